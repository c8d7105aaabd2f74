/// Group and layer normalisation, vectorised: two passes over each run (mean, then the mean of
/// squared deviations, summed in SIMD lanes and folded into Double every 1024 elements), then
/// one fused scale-shift pass (optionally followed by SiLU).
enum NormKernels {
    /// Sum of p[0..<count], accurate for long runs.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
        var total = 0.0
        var i = 0
        while i + 8 <= count {
            var acc = Float8()
            let end = i + min(1024, (count - i) & ~7)
            while i < end { acc += load8(p + i); i += 8 }
            total += Double(acc.sum())
        }
        while i < count { total += Double(p[i]); i += 1 }
        return total
    }

    /// Σ (p[i] − mean)².
    @inline(__always)
    static func sumSquaredDeviation(_ p: UnsafePointer<Float>, _ count: Int, mean: Float) -> Double {
        var total = 0.0
        let m = Float8(repeating: mean)
        var i = 0
        while i + 8 <= count {
            var acc = Float8()
            let end = i + min(1024, (count - i) & ~7)
            while i < end { let d = load8(p + i) - m; acc += d * d; i += 8 }
            total += Double(acc.sum())
        }
        while i < count { let d = p[i] - mean; total += Double(d * d); i += 1 }
        return total
    }

    /// out[i] = x[i]·a + b (then SiLU if asked), for `count` elements.
    @inline(__always)
    static func scaleShift(
        _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int,
        a: Float, b: Float, silu: Bool
    ) {
        let va = Float8(repeating: a), vb = Float8(repeating: b)
        var i = 0
        while i + 8 <= count {
            var y = load8(x + i) * va + vb
            if silu { y = y * sigmoid8(y) }
            store8(y, out + i)
            i += 8
        }
        while i < count {
            var y = Float8(repeating: x[i] * a + b)
            if silu { y = y * sigmoid8(y) }
            out[i] = y[0]
            i += 1
        }
    }

    // x: [n, c, spatial...] → same shape
    static func groupNorm(
        x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, n: Int, c: Int, spatial: Int,
        groups: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        epsilon: Float, silu: Bool
    ) {
        let perGroup = c / groups
        let len = perGroup * spatial
        let box = UncheckedSendable((x, out, weight, bias))
        Parallel.forRanges(n * groups) { range in
            let (x, out, weight, bias) = box.value
            for item in range {
                let b = item / groups, g = item % groups
                let start = (b * c + g * perGroup) * spatial
                let mean = Float(sum(x + start, len) / Double(len))
                let variance = sumSquaredDeviation(x + start, len, mean: mean) / Double(len)
                let inv = Float(1 / (variance + Double(epsilon)).squareRoot())
                for k in 0..<perGroup {
                    let ch = g * perGroup + k
                    let a = inv * weight[ch]
                    scaleShift(
                        x + start + k * spatial, out + start + k * spatial, spatial,
                        a: a, b: bias[ch] - mean * a, silu: silu)
                }
            }
        }
    }

    // x: [rows, width] → same shape
    static func layerNorm(
        x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, rows: Int, width: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, epsilon: Float
    ) {
        let box = UncheckedSendable((x, out, weight, bias))
        Parallel.forRanges(rows, minChunk: max(1, 16384 / max(width, 1))) { range in
            let (x, out, weight, bias) = box.value
            for r in range {
                let row = x + r * width, dst = out + r * width
                let mean = Float(sum(row, width) / Double(width))
                let variance = sumSquaredDeviation(row, width, mean: mean) / Double(width)
                let inv = Float(1 / (variance + Double(epsilon)).squareRoot())
                let vm = Float8(repeating: mean), vi = Float8(repeating: inv)
                var i = 0
                while i + 8 <= width {
                    store8((load8(row + i) - vm) * vi * load8(weight + i) + load8(bias + i), dst + i)
                    i += 8
                }
                while i < width { dst[i] = (row[i] - mean) * inv * weight[i] + bias[i]; i += 1 }
            }
        }
    }
}
