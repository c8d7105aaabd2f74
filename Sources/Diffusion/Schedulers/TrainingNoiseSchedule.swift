// Follows the __init__ of diffusers' discrete schedulers (betas, alphas_cumprod, sigmas),
// in float32 as torch computes them.
import Foundation

/// The training-time noise levels: ᾱ and σ = √((1 − ᾱ)/ᾱ) for every train timestep, float32,
/// bit-for-bit as diffusers (torch) computes them.
struct TrainingNoiseSchedule: Sendable {
    /// ᾱ_t for t = 0 ..< T.
    let alphasCumprod: [Float]
    /// σ_t for t = 0 ..< T (ascending).
    let sigmas: [Float]
    /// ln σ_t in float32 (NumPy's `np.log` of the float32 table).
    let logSigmas: [Float]

    init(_ settings: SchedulerSettings) {
        let count = settings.numTrainTimesteps
        let betas: [Float]
        switch settings.betaSchedule {
        case .linear:
            betas = Self.torchLinspace(Float(settings.betaStart), Float(settings.betaEnd), count)
        case .scaledLinear:
            betas = Self.torchLinspace(
                Float(settings.betaStart.squareRoot()), Float(settings.betaEnd.squareRoot()), count
            ).map { $0 * $0 }
        case .squaredCosCapV2:
            betas = Self.cosineBetas(count)
        }
        // torch.cumprod on the CPU accumulates float32 input in double.
        var product = 1.0
        alphasCumprod = betas.map { beta in
            product *= Double(1 - beta)
            return Float(product)
        }
        sigmas = alphasCumprod.map { alpha in ((1 - alpha) / alpha).squareRoot() }
        logSigmas = sigmas.map { Foundation.log($0) }
    }

    /// torch.linspace in float32 on the CPU: start + step·i (one rounding: the kernel is
    /// compiled with fused multiply-add) for the first half, end − step·(n − 1 − i) after.
    static func torchLinspace(_ start: Float, _ end: Float, _ count: Int) -> [Float] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (end - start) / Float(count - 1)
        let halfway = count / 2
        return (0..<count).map { i in
            i < halfway ? start.addingProduct(step, Float(i)) : end.addingProduct(-step, Float(count - 1 - i))
        }
    }

    /// diffusers' betas_for_alpha_bar with the cosine transform, max β 0.999.
    static func cosineBetas(_ count: Int) -> [Float] {
        func alphaBar(_ t: Double) -> Double {
            let c = Foundation.cos((t + 0.008) / 1.008 * Double.pi / 2)
            return c * c
        }
        return (0..<count).map { i in
            let t1 = Double(i) / Double(count)
            let t2 = Double(i + 1) / Double(count)
            return Float(min(1 - alphaBar(t2) / alphaBar(t1), 0.999))
        }
    }

    /// ᾱ at a timestep, with diffusers' `final_alpha_cumprod` for t < 0.
    func alphaCumprod(at timestep: Int, finalAlphaCumprod: Float) -> Float {
        timestep >= 0 ? alphasCumprod[timestep] : finalAlphaCumprod
    }
}
