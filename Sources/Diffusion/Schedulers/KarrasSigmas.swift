// Follows diffusers' _convert_to_karras and _sigma_to_t (Karras et al. 2022, "Elucidating the
// Design Space of Diffusion-Based Generative Models", eq. 5).
import Foundation

enum KarrasSigmas {
    /// σ_i = (σmax^(1/ρ) + i/(N − 1)·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ, ρ = 7, in float64.
    static func sigmas(min sigmaMin: Double, max sigmaMax: Double, count: Int) -> [Double] {
        let rho = 7.0
        let minInverse = Foundation.pow(sigmaMin, 1 / rho)
        let maxInverse = Foundation.pow(sigmaMax, 1 / rho)
        return NumPyStyle.linspace(0, 1, count).map { ramp in
            Foundation.pow(maxInverse + ramp * (minInverse - maxInverse), rho)
        }
    }

    /// The fractional train timestep of a σ: linear interpolation in ln σ between the two
    /// neighbouring train timesteps (float64, except that the neighbours' difference is
    /// taken in float32, as NumPy does with the float32 table).
    static func timestep(ofSigma sigma: Double, logSigmas: [Float]) -> Double {
        let logSigma = Foundation.log(Swift.max(sigma, 1e-10))
        // The last index whose ln σ is ≤ ln sigma, or 0 (diffusers: cumsum(dists >= 0).argmax),
        // at most T − 2. The table ascends, so a binary search finds it.
        var lower = 0
        var upper = logSigmas.count  // logSigmas[..<lower] ≤ ln sigma < logSigmas[upper...]
        while lower < upper {
            let middle = (lower + upper) / 2
            if logSigma - Double(logSigmas[middle]) >= 0 { lower = middle + 1 } else { upper = middle }
        }
        let low = Swift.min(Swift.max(lower - 1, 0), logSigmas.count - 2)
        let lowLog = logSigmas[low]
        let highLog = logSigmas[low + 1]
        var w = (Double(lowLog) - logSigma) / Double(lowLog - highLog)
        w = Swift.min(Swift.max(w, 0), 1)
        return (1 - w) * Double(low) + w * Double(low + 1)
    }
}
