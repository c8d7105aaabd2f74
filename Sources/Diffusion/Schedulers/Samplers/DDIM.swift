// Follows diffusers' DDIMScheduler.step with eta = 0 (and use_clipped_model_output False).

/// DDIM (η = 0): x̂₀ = (x − √(1−ᾱ_t)·ε)/√ᾱ_t, x ← √ᾱ_prev·x̂₀ + √(1−ᾱ_prev)·ε, where
/// prev = t − T//N (ᾱ_prev = final_alpha_cumprod below 0). The model sees x unscaled.
func ddim(_ x: inout [Float], _ run: inout SamplingRun) throws {
    let schedule = run.schedule
    let clip = schedule.settings.clipSample ? Float(schedule.settings.clipSampleRange) : nil
    for timestep in schedule.timesteps {
        let t = Int(timestep)
        let eps = try run.epsilon(x, timestep: timestep)
        let alpha = schedule.training.alphasCumprod[t]
        let alphaPrev = schedule.training.alphaCumprod(
            at: t - schedule.stepRatio, finalAlphaCumprod: schedule.finalAlphaCumprod)
        let sqrtBeta = (1 - alpha).squareRoot()
        let sqrtAlpha = alpha.squareRoot()
        let sqrtAlphaPrev = alphaPrev.squareRoot()
        // std_dev_t = η·√variance = 0, so the direction keeps all of 1 − ᾱ_prev.
        let directionScale = (1 - alphaPrev - 0).squareRoot()
        let original = x.indices.map { j in
            let estimate = (x[j] - sqrtBeta * eps[j]) / sqrtAlpha
            return clip.map { min(max(estimate, -$0), $0) } ?? estimate
        }
        for j in x.indices {
            x[j] = sqrtAlphaPrev * original[j] + directionScale * eps[j]
        }
        try run.report(x, timestep: timestep, denoised: { original })
    }
}
