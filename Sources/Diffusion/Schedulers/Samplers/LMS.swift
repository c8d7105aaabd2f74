// Follows diffusers' LMSDiscreteScheduler.step (order 4) and get_lms_coefficient.

/// Linear multistep: x ← x + Σ_k c_k·d_{i−k} over the last (up to) four derivatives
/// d = (x − x̂₀)/σ, where c_k integrates the Lagrange basis polynomial of σ_{i−k} over
/// [σ_i, σ_{i+1}]. The model sees x/√(σ² + 1).
func lms(_ x: inout [Float], _ run: inout SamplingRun) throws {
    let sigmas = run.schedule.sigmas
    let maximumOrder = 4
    var derivatives: [[Float]] = []  // oldest first
    for (i, timestep) in run.schedule.timesteps.enumerated() {
        let sigma = sigmas[i]
        let eps = try run.epsilon(scaledForModel(x, sigma: sigma), timestep: timestep)
        let denoised = x.indices.map { j in x[j] - sigma * eps[j] }
        let derivative = x.indices.map { j in (x[j] - denoised[j]) / sigma }
        derivatives.append(derivative)
        if derivatives.count > maximumOrder { derivatives.removeFirst() }
        let order = min(i + 1, maximumOrder)
        // diffusers sums Python-float coefficients times float32 tensors: float32 products.
        let coefficients = (0..<order).map {
            Float(lmsCoefficient(order: order, step: i, term: $0, sigmas: sigmas))
        }
        var sum = [Float](repeating: 0, count: x.count)
        for (k, coefficient) in coefficients.enumerated() {
            let d = derivatives[derivatives.count - 1 - k]
            for j in sum.indices { sum[j] = sum[j] + coefficient * d[j] }
        }
        for j in x.indices { x[j] = x[j] + sum[j] }
        try run.report(x, timestep: timestep, denoised: { denoised })
    }
}

/// ∫ from σ_step to σ_{step+1} of Π_{k ≠ term} (τ − σ_{step−k}) / (σ_{step−term} − σ_{step−k}) dτ.
/// The integrand is a polynomial of degree < 4, so 3-point Gauss–Legendre is exact (diffusers
/// uses scipy's adaptive quadrature, which is exact for it too up to rounding).
func lmsCoefficient(order: Int, step: Int, term: Int, sigmas: [Float]) -> Double {
    func basis(_ tau: Double) -> Double {
        var product = 1.0
        for k in 0..<order where k != term {
            product *=
                (tau - Double(sigmas[step - k])) / (Double(sigmas[step - term]) - Double(sigmas[step - k]))
        }
        return product
    }
    let a = Double(sigmas[step])
    let b = Double(sigmas[step + 1])
    let half = (b - a) / 2
    let middle = (a + b) / 2
    let node = (3.0 / 5.0).squareRoot()
    return half
        * (5.0 / 9.0 * basis(middle - half * node) + 8.0 / 9.0 * basis(middle) + 5.0 / 9.0
            * basis(middle + half * node))
}
