/// Vectorised transcendental functions on 8 lanes, accurate to a few float ulps — enough for
/// the engine's 1e-4 tolerance against PyTorch, and tested against Foundation's scalar
/// functions in KernelTests.
typealias Float8 = SIMD8<Float>

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
}

@inline(__always)
func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
}

/// e^x: range reduction x = n·ln2 + r (|r| ≤ ln2/2, ln2 split in two for accuracy), a degree-6
/// polynomial for e^r, and 2^n built in the exponent bits. Written with plain lane arithmetic
/// (no per-lane rounding or masking calls) so that it compiles to straight vector code.
/// Inputs are clamped to [−87.3, 88.7]: below, the result is ~1e-38 instead of a subnormal or
/// 0; above, ~3.4e38 instead of +∞. NaN inputs give unspecified values.
@inline(__always)
func exp8(_ x: Float8) -> Float8 {
    let xc = pointwiseMin(pointwiseMax(x, Float8(repeating: -87.33654)), Float8(repeating: 88.72283))
    // Round x·log2(e) to the nearest integer by adding and subtracting 1.5·2^23; the low bits
    // of the sum then hold that integer.
    let magic = Float8(repeating: 12582912)
    let shifted = xc * 1.442695041 + magic
    let n = shifted - magic
    var r = xc - n * 0.693359375
    r = r + n * 2.12194440e-4
    var p = Float8(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    p = p * r * r + r + 1
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    // n can reach 128 at the upper clamp: build 2^n as 2^(n−1)·2 to stay in range.
    let scale = unsafeBitCast((integer &+ 126) &<< 23, to: Float8.self)
    return p * scale * 2
}

/// 1 / (1 + e^−x).
@inline(__always)
func sigmoid8(_ x: Float8) -> Float8 {
    1 / (1 + exp8(-x))
}

/// erf(x) by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), odd-extended.
@inline(__always)
func erf8(_ x: Float8) -> Float8 {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    let sign = bits & 0x8000_0000
    let a = unsafeBitCast(bits & 0x7FFF_FFFF, to: Float8.self)
    let t = 1 / (1 + 0.3275911 * a)
    var p = Float8(repeating: 1.061405429)
    p = p * t + Float8(repeating: -1.453152027)
    p = p * t + 1.421413741
    p = p * t + Float8(repeating: -0.284496736)
    p = p * t + 0.254829592
    p = p * t
    let y = 1 - p * exp8(-a * a)
    return unsafeBitCast(unsafeBitCast(y, to: SIMD8<UInt32>.self) | sign, to: Float8.self)
}
