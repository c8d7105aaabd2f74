import CKernels

/// Row softmax: max, exp(x − max) with the running sum, then one scaling pass — in C
/// (Sources/CKernels), built per vector width and picked for the CPU at load time; this kernel
/// is most of the time of SD's 4 096-token self-attention.
enum SoftmaxKernel {
    /// Softmax of row[0..<valid] in place; row[valid..<width] is set to 0 (causal masking).
    @inline(__always)
    static func row(_ row: UnsafeMutablePointer<Float>, width: Int, valid: Int) {
        sdfarm_softmax_row(row, width, valid)
    }

    // rows × width, in place; `validCount(r)` columns of row r take part (the rest become 0).
    static func rows(_ p: UnsafeMutablePointer<Float>, rows: Int, width: Int, causalOffset: Int?) {
        let box = UncheckedSendable(p)
        Parallel.forRanges(rows, minChunk: max(1, 8192 / max(width, 1))) { range in
            for r in range {
                let valid = causalOffset.map { min(width, $0 + r + 1) } ?? width
                row(box.value + r * width, width: width, valid: valid)
            }
        }
    }
}
