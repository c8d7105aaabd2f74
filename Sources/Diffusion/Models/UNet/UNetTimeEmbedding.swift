// Follows diffusers/models/embeddings.py: get_timestep_embedding, Timesteps, TimestepEmbedding.
import Foundation

/// Sinusoidal timestep features, computed in Float32 step by step as diffusers does
/// (exponent = −ln(10000)·i / (half − freq_shift); e = exp(exponent); sin(t·e) ++ cos(t·e),
/// halves swapped when `flipSinToCos`; a zero column appended for an odd width).
/// timesteps: B values → [B, dim]
func sinusoidalTimestepEmbedding(_ timesteps: [Float], dim: Int, flipSinToCos: Bool, freqShift: Int) -> Tensor
{
    let half = dim / 2
    let logMaxPeriod = Float(-log(10000.0))
    let denominator = Float(half - freqShift)
    let frequencies = (0..<half).map { i in Foundation.exp(logMaxPeriod * Float(i) / denominator) }
    var values = [Float](repeating: 0, count: timesteps.count * dim)
    for (b, t) in timesteps.enumerated() {
        let row = b * dim
        for i in 0..<half {
            let angle = t * frequencies[i]
            let (first, second) =
                flipSinToCos
                ? (Foundation.cos(angle), Foundation.sin(angle))
                : (Foundation.sin(angle), Foundation.cos(angle))
            values[row + i] = first
            values[row + half + i] = second
        }
    }
    return Tensor(shape: [timesteps.count, dim], values: values)
}

/// The time MLP: linear_1 → SiLU → linear_2.
struct UNetTimeEmbedding {
    let linear1: UNetLinear
    let linear2: UNetLinear

    init(_ p: UNetParameters, in cin: Int, dim: Int) throws {
        linear1 = try UNetLinear(p, "linear_1", in: cin, out: dim)
        linear2 = try UNetLinear(p, "linear_2", in: dim, out: dim)
    }

    /// features: [B, cin] → [B, dim]
    func callAsFunction(_ features: Tensor, _ backend: any Backend) -> Tensor {
        linear2(backend.activation(linear1(features, backend), .silu), backend)
    }
}
