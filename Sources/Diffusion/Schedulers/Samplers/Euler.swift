// Follows diffusers' EulerDiscreteScheduler.step (s_churn = 0) and scale_model_input.

/// Euler: x̂₀ = x − σε, d = (x − x̂₀)/σ, x ← x + d·(σ_next − σ); the model sees x/√(σ² + 1).
func euler(_ x: inout [Float], _ run: inout SamplingRun) throws {
    let sigmas = run.schedule.sigmas
    for (i, timestep) in run.schedule.timesteps.enumerated() {
        let sigma = sigmas[i]
        let eps = try run.epsilon(scaledForModel(x, sigma: sigma), timestep: timestep)
        let dt = sigmas[i + 1] - sigma
        let denoised = x.indices.map { j in x[j] - sigma * eps[j] }
        for j in x.indices {
            let derivative = (x[j] - denoised[j]) / sigma
            x[j] = x[j] + derivative * dt
        }
        try run.report(x, timestep: timestep, denoised: { denoised })
    }
}

/// scale_model_input of the σ-parameterised schedulers: x / √(σ² + 1), in float32.
func scaledForModel(_ x: [Float], sigma: Float) -> [Float] {
    let scale = (sigma * sigma + 1).squareRoot()
    return x.map { $0 / scale }
}
