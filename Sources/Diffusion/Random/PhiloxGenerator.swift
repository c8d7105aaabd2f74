// Follows A1111's modules/rng_philox.py ("NV" seeds), which imitates CUDA's torch.randn
// (curand Philox 4×32-10); stable-diffusion.cpp's rng_philox.hpp implements the same scheme.
import Foundation

/// The Philox 4×32-10 normal generator of A1111's "NV" seeds and stable-diffusion.cpp's
/// `--rng cuda`.
///
/// Value i of the k-th draw (k counting from 0 for each generator) comes from the counter
/// (k, 0, i, 0) under the key (seed low 32 bits, seed high 32 bits); the first two output words
/// go through a Box–Muller transform that keeps only the sine branch, in double precision with
/// A1111's float32 constants, and the result is rounded to float32.
///
/// No CUDA device exists where this was written: it is verified against a NumPy
/// re-implementation of A1111's published algorithm (scripts/make-sampler-fixtures.py), which
/// reproduces the example output printed in A1111's own source.
public struct PhiloxGenerator: NoiseGenerator {
    private static let multipliers: (UInt32, UInt32) = (0xD251_1F53, 0xCD9E_8D57)
    private static let weyl: (UInt32, UInt32) = (0x9E37_79B9, 0xBB67_AE85)
    /// A1111 writes 1/2³² and 2π/2³² as float32 arrays; NumPy then promotes to double.
    private static let inverse2to32 = Double(Float(2.3283064e-10))
    private static let inverse2to32TimesTwoPi = Double(Float(2.3283064e-10 * 6.2831855))

    public let seed: UInt64
    /// How many draws this generator has made (the first counter word).
    public private(set) var offset: UInt32 = 0

    public init(seed: UInt64) {
        self.seed = seed
    }

    public mutating func randn(count: Int) -> [Float] {
        precondition(count >= 0, "randn: negative count \(count)")
        let key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        let draw = offset
        offset &+= 1
        return (0..<count).map { i in
            let words = Self.philox(counter: (draw, 0, UInt32(truncatingIfNeeded: i), 0), key: key)
            return Self.boxMullerSine(words.0, words.1)
        }
    }

    /// Ten Philox rounds, the key bumped between them.
    static func philox(
        counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= weyl.0
                k.1 &+= weyl.1
            }
            let product0 = UInt64(c.0) * UInt64(multipliers.0)
            let product1 = UInt64(c.2) * UInt64(multipliers.1)
            c = (
                UInt32(truncatingIfNeeded: product1 >> 32) ^ c.1 ^ k.0,
                UInt32(truncatingIfNeeded: product1),
                UInt32(truncatingIfNeeded: product0 >> 32) ^ c.3 ^ k.1,
                UInt32(truncatingIfNeeded: product0)
            )
        }
        return c
    }

    private static func boxMullerSine(_ x: UInt32, _ y: UInt32) -> Float {
        let u = Double(x) * inverse2to32 + inverse2to32 / 2
        let v = Double(y) * inverse2to32TimesTwoPi + inverse2to32TimesTwoPi / 2
        let s = (-2.0 * Foundation.log(u)).squareRoot()
        return Float(s * Foundation.sin(v))
    }
}
