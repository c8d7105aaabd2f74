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
/// polynomial for e^r, and 2^n built in the exponent bits. Below −87.3 returns 0; above 88.7
/// returns +∞ (as expf does).
@inline(__always)
func exp8(_ x: Float8) -> Float8 {
    let hiLimit = Float8(repeating: 88.72283)
    let loLimit = Float8(repeating: -87.33654)
    let xc = x.clamped(lowerBound: loLimit, upperBound: hiLimit)
    let n = (xc * 1.442695041).rounded(.toNearestOrEven)
    var r = xc - n * 0.693359375
    r = r + n * 2.12194440e-4
    // Taylor-like minimax coefficients for e^r on [-ln2/2, ln2/2].
    var p = Float8(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    p = p * r * r + r + 1
    let bits = (SIMD8<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
    var result = p * unsafeBitCast(bits, to: Float8.self)
    result.replace(with: Float8(repeating: .infinity), where: x .> hiLimit)
    result.replace(with: Float8(repeating: 0), where: x .< loLimit)
    result.replace(with: x, where: x .!= x)  // NaN stays NaN
    return result
}

/// 1 / (1 + e^−x).
@inline(__always)
func sigmoid8(_ x: Float8) -> Float8 {
    1 / (1 + exp8(-x))
}

/// erf(x) by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), odd-extended.
@inline(__always)
func erf8(_ x: Float8) -> Float8 {
    let a = pointwiseMax(x, -x)
    let t = 1 / (1 + 0.3275911 * a)
    var p = Float8(repeating: 1.061405429)
    p = p * t + Float8(repeating: -1.453152027)
    p = p * t + 1.421413741
    p = p * t + Float8(repeating: -0.284496736)
    p = p * t + 0.254829592
    p = p * t
    let y = 1 - p * exp8(-a * a)
    var result = y
    result.replace(with: -y, where: x .< 0)
    return result
}
