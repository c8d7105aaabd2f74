/// Elementwise activations and GEGLU, 8 lanes at a time, split over the engine's threads.
enum ActivationKernels {
    @inline(__always)
    static func apply8(_ kind: Activation, _ x: Float8) -> Float8 {
        switch kind {
        case .silu: return x * sigmoid8(x)
        case .gelu: return 0.5 * x * (1 + erf8(x * 0.70710678118654752))
        case .quickGelu: return x * sigmoid8(1.702 * x)
        }
    }

    static func activation(
        _ kind: Activation, x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, count: Int
    ) {
        let box = UncheckedSendable((x, out))
        Parallel.forRanges(count, minChunk: 1 << 15) { range in
            let (x, out) = box.value
            var i = range.lowerBound
            while i + 8 <= range.upperBound { store8(apply8(kind, load8(x + i)), out + i); i += 8 }
            while i < range.upperBound { out[i] = apply8(kind, Float8(repeating: x[i]))[0]; i += 1 }
        }
    }

    // x: [rows, 2·width] → out: [rows, width], out = x[:, :width] · GELU(x[:, width:])
    static func geglu(x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        let box = UncheckedSendable((x, out))
        Parallel.forRanges(rows, minChunk: max(1, 16384 / max(width, 1))) { range in
            let (x, out) = box.value
            for r in range {
                let a = x + r * 2 * width, gate = a + width, dst = out + r * width
                var i = 0
                while i + 8 <= width {
                    store8(load8(a + i) * apply8(.gelu, load8(gate + i)), dst + i); i += 8
                }
                while i < width { dst[i] = a[i] * apply8(.gelu, Float8(repeating: gate[i]))[0]; i += 1 }
            }
        }
    }
}
