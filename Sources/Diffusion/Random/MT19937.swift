// Follows PyTorch's at::mt19937 (aten/src/ATen/core/MT19937RNGEngine.h): the standard
// 32-bit Mersenne Twister of Matsumoto & Nishimura, seeded from the low 32 bits of the seed.

/// The 32-bit Mersenne Twister as PyTorch's CPU generator runs it.
struct MT19937: Sendable {
    private static let n = 624
    private static let m = 397
    private static let matrixA: UInt32 = 0x9908_B0DF
    private static let upperMask: UInt32 = 0x8000_0000
    private static let lowerMask: UInt32 = 0x7FFF_FFFF

    private var state: [UInt32]
    private var index: Int

    /// torch keeps only the low 32 bits of a 64-bit seed (`init_with_uint32`).
    init(seed: UInt64) {
        var state = [UInt32](repeating: 0, count: Self.n)
        state[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.n {
            let previous = state[j - 1]
            state[j] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
        }
        self.state = state
        self.index = Self.n
    }

    /// The next 32 random bits.
    mutating func next() -> UInt32 {
        if index >= Self.n { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// torch's `random64()`: the first 32-bit draw is the high word.
    mutating func next64() -> UInt64 {
        let high = UInt64(next())
        let low = UInt64(next())
        return (high << 32) | low
    }

    private mutating func twist() {
        for i in 0..<Self.n {
            let y = (state[i] & Self.upperMask) | (state[(i + 1) % Self.n] & Self.lowerMask)
            var value = state[(i + Self.m) % Self.n] ^ (y >> 1)
            if y & 1 != 0 { value ^= Self.matrixA }
            state[i] = value
        }
        index = 0
    }
}
