import CBLAS
import Testing

/// Proves the CBLAS system-library target links Debian's OpenBLAS and computes what a plain
/// triple loop computes.
@Suite struct BLASTests {
    @Test(arguments: [(1, 1, 1), (7, 5, 3), (33, 17, 65), (128, 96, 64)])
    func sgemmMatchesNaiveLoop(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var state: UInt32 = 12345
        func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) - 0.5
        }
        let a = (0..<(m * k)).map { _ in next() }
        let b = (0..<(k * n)).map { _ in next() }
        var c = [Float](repeating: 0, count: m * n)
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
            1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
        var largest: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
                largest = max(largest, abs(c[i * n + j] - Float(sum)))
            }
        }
        print("sgemm \(m)x\(n)x\(k): largest difference from the naive loop \(largest)")
        #expect(largest < 1e-5)
    }
}
