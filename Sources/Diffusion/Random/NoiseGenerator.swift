/// A source of standard normal noise for one image: the initial latents and, for ancestral
/// samplers, every step's fresh noise are drawn from it in order, as diffusers draws them from
/// that image's own `torch.Generator`.
public protocol NoiseGenerator: Sendable {
    /// The next `count` values, as the reference's `randn` of a tensor with `count` elements
    /// would give them; the generator advances exactly as the reference's does.
    mutating func randn(count: Int) -> [Float]
}

/// The random number generators a seed can be interpreted with (`--rng`).
public enum RNGKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `torch.Generator("cpu").manual_seed(seed)` + `torch.randn` (diffusers on CPU; the default).
    case cpu
    /// The Philox 4×32-10 generator of CUDA's `torch.randn`, as A1111's "NV" seeds and
    /// stable-diffusion.cpp's `--rng cuda` reproduce it on the CPU.
    case philox

    public var description: String { rawValue }

    /// A fresh generator for one image.
    public func makeGenerator(seed: UInt64) -> any NoiseGenerator {
        switch self {
        case .cpu: TorchCPUGenerator(seed: seed)
        case .philox: PhiloxGenerator(seed: seed)
        }
    }
}
