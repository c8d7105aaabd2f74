/// Convolution as GEMM: im2col of a band of output rows into a reusable buffer, then one
/// `sgemm` of the weights [Cout, Cin·k·k] against it, written straight into the NCHW output.
/// A 1×1, stride-1, unpadded convolution skips im2col (the input already is the matrix).
enum Conv2DKernel {
    /// Upper bound on the im2col buffer, in floats (32 MiB): bands of output rows are sized
    /// to fit, so a 512² decode never holds the whole unfolded image.
    static let defaultColumnBudget = 8 << 20

    // x: [n, cin, h, w], weight: [cout, cin, k, k], bias: [cout] → out: [n, cout, oh, ow]
    static func run(
        x: UnsafePointer<Float>, n: Int, cin: Int, h: Int, w: Int,
        weight: UnsafePointer<Float>, cout: Int, kernel: Int, stride: Int, padding: Padding2D,
        bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>,
        columnBudget: Int = defaultColumnBudget
    ) {
        let oh = convOutputSize(
            h, kernel: kernel, stride: stride, padBefore: padding.top, padAfter: padding.bottom)
        let ow = convOutputSize(
            w, kernel: kernel, stride: stride, padBefore: padding.left, padAfter: padding.right)
        let plane = oh * ow
        let kk = cin * kernel * kernel
        let direct = kernel == 1 && stride == 1 && padding == Padding2D(0)
        let rowsPerBand = max(1, min(oh, columnBudget / max(1, kk * ow)))
        let columns: UnsafeMutablePointer<Float>? =
            direct ? nil : .allocate(capacity: kk * rowsPerBand * ow)
        defer { columns?.deallocate() }

        for b in 0..<n {
            let xb = x + b * cin * h * w
            let ob = out + b * cout * plane
            if let bias { fillRows(ob, rows: cout, width: plane, values: bias) }
            let beta: Float = bias == nil ? 0 : 1
            if direct {
                sgemm(
                    transA: false, transB: false, m: cout, n: plane, k: cin,
                    a: weight, lda: cin, b: xb, ldb: h * w, beta: beta, c: ob, ldc: plane)
                continue
            }
            var row0 = 0
            while row0 < oh {
                let rows = min(rowsPerBand, oh - row0)
                let bandWidth = rows * ow
                im2col(
                    x: xb, cin: cin, h: h, w: w, kernel: kernel, stride: stride,
                    padTop: padding.top, padLeft: padding.left, ow: ow, row0: row0, rows: rows,
                    columns: columns!)
                sgemm(
                    transA: false, transB: false, m: cout, n: bandWidth, k: kk,
                    a: weight, lda: kk, b: columns!, ldb: bandWidth, beta: beta,
                    c: ob + row0 * ow, ldc: plane)
                row0 += rows
            }
        }
    }

    /// Fills `rows` rows of `width` floats with one value per row.
    static func fillRows(
        _ p: UnsafeMutablePointer<Float>, rows: Int, width: Int, values: UnsafePointer<Float>
    ) {
        let box = UncheckedSendable((p, values))
        Parallel.forRanges(rows, minChunk: max(1, 65536 / max(width, 1))) { range in
            let (p, values) = box.value
            for r in range { (p + r * width).update(repeating: values[r], count: width) }
        }
    }

    /// Unfolds output rows row0..<row0+rows: columns[(c·k + i)·k + j][oy·ow + ox] =
    /// x[c][oy·s − top + i][ox·s − left + j], zero outside the image.
    static func im2col(
        x: UnsafePointer<Float>, cin: Int, h: Int, w: Int, kernel: Int, stride: Int, padTop: Int,
        padLeft: Int,
        ow: Int, row0: Int, rows: Int, columns: UnsafeMutablePointer<Float>
    ) {
        let kk = cin * kernel * kernel
        let bandWidth = rows * ow
        let box = UncheckedSendable((x, columns))
        Parallel.forRanges(kk, minChunk: 4) { range in
            let (x, columns) = box.value
            for r in range {
                let c = r / (kernel * kernel), i = (r / kernel) % kernel, j = r % kernel
                let dst = columns + r * bandWidth
                let plane = x + c * h * w
                for oyLocal in 0..<rows {
                    let iy = (row0 + oyLocal) * stride - padTop + i
                    let d = dst + oyLocal * ow
                    if iy < 0 || iy >= h {
                        d.update(repeating: 0, count: ow)
                        continue
                    }
                    let src = plane + iy * w
                    if stride == 1 {
                        // ox in [lo, hi) reads src[ox − left + j]; the rest is padding.
                        let lo = min(ow, max(0, padLeft - j))
                        let hi = max(lo, min(ow, w + padLeft - j))
                        if lo > 0 { d.update(repeating: 0, count: lo) }
                        if hi > lo { (d + lo).update(from: src + (lo - padLeft + j), count: hi - lo) }
                        if hi < ow { (d + hi).update(repeating: 0, count: ow - hi) }
                    } else {
                        for ox in 0..<ow {
                            let ix = ox * stride - padLeft + j
                            d[ox] = (ix >= 0 && ix < w) ? src[ix] : 0
                        }
                    }
                }
            }
        }
    }
}

extension Conv2DKernel {
    /// Fills `rows` rows of `width` floats with the same row `values` (a bias for every row).
    static func fillRowsRepeating(
        _ p: UnsafeMutablePointer<Float>, rows: Int, values: UnsafePointer<Float>, width: Int
    ) {
        for r in 0..<rows { (p + r * width).update(from: values, count: width) }
    }
}
