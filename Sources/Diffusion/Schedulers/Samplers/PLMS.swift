// Follows diffusers' PNDMScheduler.step_plms and _get_prev_sample (skip_prk_steps = True).

/// PNDM's pseudo linear multistep (PLMS) without Runge–Kutta warm-up: the first call steps with
/// ε alone, the second re-evaluates at the *same* x one step on and averages the two; then
/// Adams–Bashforth weights (3, −1)/2, (23, −16, 5)/12, (55, −59, 37, −9)/24 over the last ε's.
func plms(_ x: inout [Float], _ run: inout SamplingRun) throws {
    let schedule = run.schedule
    let ratio = schedule.stepRatio
    var history: [[Float]] = []  // diffusers' `ets`
    var firstSample: [Float] = []
    for (counter, timestepValue) in schedule.timesteps.enumerated() {
        let eps = try run.epsilon(x, timestep: timestepValue)
        var timestep = Int(timestepValue)
        var previous = timestep - ratio
        if counter != 1 {
            history = Array(history.suffix(3)) + [eps]
        } else {
            previous = timestep
            timestep += ratio
        }
        let combined: [Float]
        var sample = x
        switch (history.count, counter) {
        case (1, 0):
            combined = eps
            firstSample = x
        case (1, 1):
            let last = history[0]
            combined = zip(eps, last).map { ($0 + $1) / 2 }
            sample = firstSample
            firstSample = []
        case (2, _):
            let (e1, e2) = (history[1], history[0])
            combined = x.indices.map { (3 * e1[$0] - e2[$0]) / 2 }
        case (3, _):
            let (e1, e2, e3) = (history[2], history[1], history[0])
            combined = x.indices.map { (23 * e1[$0] - 16 * e2[$0] + 5 * e3[$0]) / 12 }
        default:
            let (e1, e2, e3, e4) = (history[3], history[2], history[1], history[0])
            let weight = Float(1.0 / 24.0)
            combined = x.indices.map { weight * (55 * e1[$0] - 59 * e2[$0] + 37 * e3[$0] - 9 * e4[$0]) }
        }
        let input = x
        x = pndmPreviousSample(sample, eps: combined, from: timestep, to: previous, schedule)
        try run.report(x, timestep: timestepValue) {
            // PLMS never forms x̂₀; for previews, the DDIM estimate from this call's input and ε.
            let alpha = schedule.training.alphasCumprod[Int(timestepValue)]
            let (sqrtBeta, sqrtAlpha) = ((1 - alpha).squareRoot(), alpha.squareRoot())
            return input.indices.map { j in (input[j] - sqrtBeta * eps[j]) / sqrtAlpha }
        }
    }
}

/// Formula (9) of the PNDM paper: x_prev = √(ᾱ_prev/ᾱ)·x − (ᾱ_prev − ᾱ)·ε /
/// (ᾱ·√(1−ᾱ_prev) + √(ᾱ(1−ᾱ)ᾱ_prev)), all in float32 as torch evaluates it.
private func pndmPreviousSample(
    _ x: [Float], eps: [Float], from t: Int, to previous: Int, _ schedule: SamplerSchedule
) -> [Float] {
    let alpha = schedule.training.alphasCumprod[t]
    let alphaPrev = schedule.training.alphaCumprod(
        at: previous, finalAlphaCumprod: schedule.finalAlphaCumprod)
    let beta = 1 - alpha
    let betaPrev = 1 - alphaPrev
    let sampleCoefficient = (alphaPrev / alpha).squareRoot()
    let denominator = alpha * betaPrev.squareRoot() + (alpha * beta * alphaPrev).squareRoot()
    let difference = alphaPrev - alpha
    return x.indices.map { j in sampleCoefficient * x[j] - difference * eps[j] / denominator }
}
