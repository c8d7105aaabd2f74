import CBLAS
import Dispatch

extension AttentionKernel {
    /// Score rows per thread in the head-parallel path: 256 Ki floats (1 MiB, one core's L2),
    /// e.g. 64 query rows against 4 096 keys.
    static let perThreadScoreBudget = 1 << 18

    /// Multi-head attention with whole (batch, head) pairs dealt out to the engine's threads,
    /// each thread running its own GEMMs on a single OpenBLAS thread and its own row softmax.
    /// The attention GEMMs are thin (k = the head width, 40–160, in q·kᵀ; n = the head width in
    /// p·v), and splitting each of them across threads scales badly; independent heads scale
    /// with the thread count (SD 1.5's 64×64 latent, 8 heads of 40, 2 threads: about 2× faster
    /// than splitting every GEMM). OpenBLAS is set to one thread for the duration, holding
    /// `BLASThreadGate` exclusively so that no other GEMM runs under that setting, and restored
    /// afterwards. Returns false (doing nothing) when there are fewer pairs than threads.
    // q: [n, lq, c], k, v: [n, lk, c], c = heads·d → out: [n, lq, c]
    static func runHeadParallel(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, n: Int, lq: Int, lk: Int, c: Int, heads: Int,
        causal: Bool, scoreBudget: Int = perThreadScoreBudget
    ) -> Bool {
        let threads = EngineThreads.count
        let pairs = n * heads
        guard threads > 1, pairs >= threads, lq > 0, lk > 0 else { return false }
        let block = max(1, min(lq, scoreBudget / lk))
        let box = UncheckedSendable((q, k, v, out))
        BLASThreadGate.shared.exclusive {
            openblas_set_num_threads(1)
            defer { openblas_set_num_threads(Int32(threads)) }
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let (q, k, v, out) = box.value
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: block * lk)
                defer { scores.deallocate() }
                for pair in stride(from: t, to: pairs, by: threads) {
                    let (b, h, d) = (pair / heads, pair % heads, c / heads)
                    singleHead(
                        q: q + b * lq * c + h * d, k: k + b * lk * c + h * d, v: v + b * lk * c + h * d,
                        out: out + b * lq * c + h * d, lq: lq, lk: lk, c: c, d: d, causal: causal,
                        block: block, scores: scores)
                }
            }
        }
        return true
    }

    /// One head on the calling thread: q·kᵀ/√d for `block` query rows at a time into `scores`,
    /// row softmax, p·v into the head's output columns (row stride c).
    private static func singleHead(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, lq: Int, lk: Int, c: Int, d: Int, causal: Bool,
        block: Int, scores: UnsafeMutablePointer<Float>
    ) {
        let scale = 1 / Float(d).squareRoot()
        var q0 = 0
        while q0 < lq {
            let rows = min(block, lq - q0)
            sgemm(
                transA: false, transB: true, m: rows, n: lk, k: d, alpha: scale,
                a: q + q0 * c, lda: c, b: k, ldb: c, c: scores, ldc: lk, gated: false)
            for r in 0..<rows {
                SoftmaxKernel.row(scores + r * lk, width: lk, valid: causal ? min(lk, q0 + r + 1) : lk)
            }
            sgemm(
                transA: false, transB: false, m: rows, n: d, k: lk,
                a: scores, lda: lk, b: v, ldb: c, c: out + q0 * c, ldc: c, gated: false)
            q0 += rows
        }
    }
}
