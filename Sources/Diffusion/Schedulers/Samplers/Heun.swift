// Follows diffusers' HeunDiscreteScheduler.step and scale_model_input.

/// Heun's second-order method: an Euler step to σ_next, then a second model call there and
/// the average of the two derivatives, applied from the first x. The schedule's σ list visits
/// every inner σ twice; the last step (to σ = 0) is a plain Euler step: 2N − 1 calls.
/// The model sees x/√(σ² + 1) with the σ of the call.
func heun(_ x: inout [Float], _ run: inout SamplingRun) throws {
    let sigmas = run.schedule.sigmas
    var pending: (derivative: [Float], dt: Float, sample: [Float])? = nil
    for (i, timestep) in run.schedule.timesteps.enumerated() {
        // The σ of this call: σ for the Euler call, σ_next for the correction (the list repeats it).
        let sigma = sigmas[i]
        let eps = try run.epsilon(scaledForModel(x, sigma: sigma), timestep: timestep)
        let denoised = x.indices.map { j in x[j] - sigma * eps[j] }
        if let first = pending {
            for j in x.indices {
                let derivative = (x[j] - denoised[j]) / sigma
                let average = (first.derivative[j] + derivative) / 2
                x[j] = first.sample[j] + average * first.dt
            }
            pending = nil
        } else {
            let dt = sigmas[i + 1] - sigma
            let derivative = x.indices.map { j in (x[j] - denoised[j]) / sigma }
            pending = (derivative, dt, x)
            for j in x.indices { x[j] = x[j] + derivative[j] * dt }
        }
        try run.report(x, timestep: timestep, denoised: { denoised })
    }
}
