// Follows diffusers' DPMSolverMultistepScheduler with its defaults (solver_order 2,
// algorithm_type dpmsolver++, solver_type midpoint, lower_order_final, final_sigmas_type zero).
import Foundation

/// DPM-Solver++(2M) (Lu et al. 2022) in diffusers' data-prediction form: the first and the last
/// step are first order, the others second order (midpoint), using the previous x̂₀. With
/// α = 1/√(1 + σ²), σ_t = σ·α, λ = ln α − ln σ_t. The model sees x unscaled.
func dpmSolverPlusPlus2M(_ x: inout [Float], _ run: inout SamplingRun) throws {
    let sigmas = run.schedule.sigmas
    let timesteps = run.schedule.timesteps
    var previousDenoised: [Float]? = nil
    for (i, timestep) in timesteps.enumerated() {
        let eps = try run.epsilon(x, timestep: timestep)
        let current = DPMNoiseLevel(sigmas[i])
        let target = DPMNoiseLevel(sigmas[i + 1])
        let denoised = x.indices.map { j in (x[j] - current.sigma * eps[j]) / current.alpha }
        let h = target.lambda - current.lambda
        let sampleScale = target.sigma / current.sigma
        let denoisedScale = target.alpha * (Foundation.exp(-h) - 1)
        let isLast = i == timesteps.count - 1
        if let previous = previousDenoised, !isLast {
            let before = DPMNoiseLevel(sigmas[i - 1])
            let h0 = current.lambda - before.lambda
            let inverseR0 = 1 / (h0 / h)
            let correctionScale = 0.5 * denoisedScale
            for j in x.indices {
                let d1 = inverseR0 * (denoised[j] - previous[j])
                x[j] = sampleScale * x[j] - denoisedScale * denoised[j] - correctionScale * d1
            }
        } else {
            for j in x.indices {
                x[j] = sampleScale * x[j] - denoisedScale * denoised[j]
            }
        }
        previousDenoised = denoised
        try run.report(x, timestep: timestep, denoised: { denoised })
    }
}

/// α_t, σ_t and λ_t of one σ, in float32 as torch computes them from the float32 σ.
private struct DPMNoiseLevel {
    let alpha: Float
    let sigma: Float
    let lambda: Float

    init(_ s: Float) {
        alpha = 1 / (s * s + 1).squareRoot()
        sigma = s * alpha
        lambda = Foundation.log(alpha) - Foundation.log(sigma)
    }
}
