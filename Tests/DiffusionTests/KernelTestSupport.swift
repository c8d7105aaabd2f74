import Diffusion

/// Deterministic pseudo-random tensors for kernel tests (SplitMix64, uniform in [-1, 1)).
struct TestRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }

    mutating func tensor(_ shape: [Int], scale: Float = 1) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, values: (0..<n).map { _ in next() * scale })
    }
}

/// Compares a fast result with the reference's, prints the largest difference, and reports
/// whether it is within `tolerance` (absolute, relative to max(1, |reference|max)).
func withinTolerance(_ label: String, fast: Tensor, reference: Tensor, tolerance: Float) -> Bool {
    let diff = fast.maxAbsDifference(reference)
    let scale = max(1, reference.maxAbs())
    print("\(label): max |fast − reference| = \(diff) (tolerance \(tolerance * scale))")
    return diff <= tolerance * scale
}
