/// Row softmax: max, exp(x − max) with the running sum, then one scaling pass.
enum SoftmaxKernel {
    /// Softmax of row[0..<valid] in place; row[valid..<width] is set to 0 (causal masking).
    @inline(__always)
    static func row(_ row: UnsafeMutablePointer<Float>, width: Int, valid: Int) {
        var m = -Float.infinity
        var i = 0
        var vmax = Float8(repeating: -.infinity)
        while i + 8 <= valid { vmax = pointwiseMax(vmax, load8(row + i)); i += 8 }
        m = vmax.max()
        while i < valid { m = max(m, row[i]); i += 1 }
        let vm = Float8(repeating: m)
        var acc = Float8()
        var total: Float = 0
        i = 0
        while i + 8 <= valid { let e = exp8(load8(row + i) - vm); store8(e, row + i); acc += e; i += 8 }
        while i < valid { let e = exp8(Float8(repeating: row[i] - m))[0]; row[i] = e; total += e; i += 1 }
        total += acc.sum()
        let inv = Float8(repeating: 1 / total)
        i = 0
        while i + 8 <= valid { store8(load8(row + i) * inv, row + i); i += 8 }
        while i < valid { row[i] *= inv[0]; i += 1 }
        if valid < width { (row + valid).update(repeating: 0, count: width - valid) }
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
