import CBLAS

/// Row-major single-precision GEMM through OpenBLAS:
/// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, with leading dimensions in elements.
/// Every heavy operation of the engine (convolution, linear layers, attention) ends here.
/// `gated: false` is only for code that already holds `BLASThreadGate.shared` exclusively.
@inline(__always)
func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, gated: Bool = true
) {
    guard m > 0, n > 0 else { return }
    if k == 0 {
        // BLAS leaves C untouched when k == 0 only if beta == 1; do the scaling ourselves.
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    let call = {
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    if gated { BLASThreadGate.shared.reading(call) } else { call() }
}
