/// Data movement and cheap elementwise work: transposes between NCHW and token layout,
/// nearest upsampling, channel concatenation, adds and scaling.
enum LayoutKernels {
    /// out[c][r] = x[r][c] for one rows × cols matrix, in 32×32 tiles.
    static func transpose(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    {
        let tile = 32
        let rowTiles = (rows + tile - 1) / tile
        let box = UncheckedSendable((x, out))
        Parallel.forRanges(rowTiles, minChunk: max(1, 2048 / max(cols, 1))) { range in
            let (x, out) = box.value
            for rt in range {
                let r0 = rt * tile, r1 = min(rows, r0 + tile)
                var c0 = 0
                while c0 < cols {
                    let c1 = min(cols, c0 + tile)
                    for r in r0..<r1 { for c in c0..<c1 { out[c * rows + r] = x[r * cols + c] } }
                    c0 = c1
                }
            }
        }
    }

    // x: [planes, h, w] → out: [planes, oh, ow], source index floor(dst · in / out)
    static func upsampleNearest(
        _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        planes: Int, h: Int, w: Int, oh: Int, ow: Int
    ) {
        let box = UncheckedSendable((x, out))
        Parallel.forRanges(planes, minChunk: max(1, 16384 / max(oh * ow, 1))) { range in
            let (x, out) = box.value
            for p in range {
                let src = x + p * h * w, dst = out + p * oh * ow
                for y in 0..<oh {
                    let row = src + min(y * h / oh, h - 1) * w
                    let d = dst + y * ow
                    if ow == 2 * w {
                        for xx in 0..<w { let v = row[xx]; d[2 * xx] = v; d[2 * xx + 1] = v }
                    } else {
                        for xx in 0..<ow { d[xx] = row[min(xx * w / ow, w - 1)] }
                    }
                }
            }
        }
    }

    /// out = a + b over `count` elements (out may be a or b).
    static func add(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int
    ) {
        let box = UncheckedSendable((a, b, out))
        Parallel.forRanges(count, minChunk: 1 << 16) { range in
            let (a, b, out) = box.value
            var i = range.lowerBound
            while i + 8 <= range.upperBound { store8(load8(a + i) + load8(b + i), out + i); i += 8 }
            while i < range.upperBound { out[i] = a[i] + b[i]; i += 1 }
        }
    }

    /// out = x · factor.
    static func scale(
        _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int, factor: Float
    ) {
        let box = UncheckedSendable((x, out))
        Parallel.forRanges(count, minChunk: 1 << 16) { range in
            let (x, out) = box.value
            let f = Float8(repeating: factor)
            var i = range.lowerBound
            while i + 8 <= range.upperBound { store8(load8(x + i) * f, out + i); i += 8 }
            while i < range.upperBound { out[i] = x[i] * factor; i += 1 }
        }
    }

    /// out[p][s] = x[p][s] + values[p] for planes × spatial.
    static func addPerPlane(
        _ x: UnsafePointer<Float>, _ values: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        planes: Int, spatial: Int
    ) {
        let box = UncheckedSendable((x, values, out))
        Parallel.forRanges(planes, minChunk: max(1, 16384 / max(spatial, 1))) { range in
            let (x, values, out) = box.value
            for p in range {
                let v = Float8(repeating: values[p])
                let src = x + p * spatial, dst = out + p * spatial
                var i = 0
                while i + 8 <= spatial { store8(load8(src + i) + v, dst + i); i += 8 }
                while i < spatial { dst[i] = src[i] + values[p]; i += 1 }
            }
        }
    }
}
