/// Multi-head attention as per-head GEMMs over blocks of query rows: for each (batch, head,
/// block) S = q·kᵀ/√d (sgemm reading the head's columns in place through the leading
/// dimension), a row softmax, then S·v written into the head's columns of the output. Only one
/// block's score matrix exists at a time (at most `scoreBudget` floats).
enum AttentionKernel {
    static let defaultScoreBudget = 4 << 20

    // q: [n, lq, c], k, v: [n, lk, c], c = heads·d → out: [n, lq, c]
    static func run(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, n: Int, lq: Int, lk: Int, c: Int, heads: Int, causal: Bool,
        scoreBudget: Int = defaultScoreBudget
    ) {
        if runHeadParallel(
            q: q, k: k, v: v, out: out, n: n, lq: lq, lk: lk, c: c, heads: heads, causal: causal,
            scoreBudget: min(scoreBudget, perThreadScoreBudget))
        {
            return
        }
        let d = c / heads
        let scale = 1 / Float(d).squareRoot()
        let block = max(1, min(lq, scoreBudget / max(lk, 1)))
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: block * lk)
        defer { scores.deallocate() }
        for b in 0..<n {
            for h in 0..<heads {
                let qh = q + b * lq * c + h * d
                let kh = k + b * lk * c + h * d
                let vh = v + b * lk * c + h * d
                let oh = out + b * lq * c + h * d
                var q0 = 0
                while q0 < lq {
                    let rows = min(block, lq - q0)
                    sgemm(
                        transA: false, transB: true, m: rows, n: lk, k: d, alpha: scale,
                        a: qh + q0 * c, lda: c, b: kh, ldb: c, c: scores, ldc: lk)
                    SoftmaxKernel.rows(scores, rows: rows, width: lk, causalOffset: causal ? q0 : nil)
                    sgemm(
                        transA: false, transB: false, m: rows, n: d, k: lk,
                        a: scores, lda: lk, b: vh, ldb: c, c: oh + q0 * c, ldc: c)
                    q0 += rows
                }
            }
        }
    }
}
