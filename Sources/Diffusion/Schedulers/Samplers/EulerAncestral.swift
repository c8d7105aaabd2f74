// Follows diffusers' EulerAncestralDiscreteScheduler.step.

/// Euler ancestral: step down to σ_down deterministically, then add σ_up of fresh noise drawn
/// from each image's own generator (every step, the last included, draws).
/// σ_up = √(σ_next²(σ² − σ_next²)/σ²), σ_down = √(σ_next² − σ_up²).
func eulerAncestral(_ x: inout [Float], _ run: inout SamplingRun, noise: inout NoiseBatch) throws {
    let sigmas = run.schedule.sigmas
    for (i, timestep) in run.schedule.timesteps.enumerated() {
        let sigma = sigmas[i]
        let eps = try run.epsilon(scaledForModel(x, sigma: sigma), timestep: timestep)
        let next = sigmas[i + 1]
        let sigmaUp = (next * next * (sigma * sigma - next * next) / (sigma * sigma)).squareRoot()
        let sigmaDown = (next * next - sigmaUp * sigmaUp).squareRoot()
        let dt = sigmaDown - sigma
        let z = noise.draw(perImage: run.shape.perImage)
        let denoised = x.indices.map { j in x[j] - sigma * eps[j] }
        for j in x.indices {
            let derivative = (x[j] - denoised[j]) / sigma
            let stepped = x[j] + derivative * dt
            x[j] = stepped + z[j] * sigmaUp
        }
        try run.report(x, timestep: timestep, denoised: { denoised })
    }
}
