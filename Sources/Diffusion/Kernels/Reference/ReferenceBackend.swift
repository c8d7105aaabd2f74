import Foundation

/// Plain-loop versions of every backend operation: the definition each fast kernel is tested
/// against (KernelTests), kept simple on purpose and never optimised. Accumulates in Double
/// where the fast version sums long runs, so it is the more accurate of the two.
public struct ReferenceBackend: Backend {
    public init() {}
    public var name: String { "reference" }

    public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Padding2D) -> Tensor
    {
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        precondition(weight.shape[1] == cin, "conv2d: weight \(weight.shape) for input \(x.shape)")
        let oh = convOutputSize(
            h, kernel: kh, stride: stride, padBefore: padding.top, padAfter: padding.bottom)
        let ow = convOutputSize(
            w, kernel: kw, stride: stride, padBefore: padding.left, padAfter: padding.right)
        let xs = x.scalars, ws = weight.scalars, bs = bias?.scalars
        var out = [Float](repeating: 0, count: n * cout * oh * ow)
        for b in 0..<n {
            for o in 0..<cout {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum = Double(bs?[o] ?? 0)
                        for c in 0..<cin {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let iy = oy * stride - padding.top + i,
                                        ix = ox * stride - padding.left + j
                                    if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                                    sum +=
                                        Double(xs[((b * cin + c) * h + iy) * w + ix])
                                        * Double(ws[((o * cin + c) * kh + i) * kw + j])
                                }
                            }
                        }
                        out[((b * cout + o) * oh + oy) * ow + ox] = Float(sum)
                    }
                }
            }
        }
        return Tensor(shape: [n, cout, oh, ow], values: out)
    }

    public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let inF = weight.shape[1], outF = weight.shape[0]
        precondition(x.shape.last == inF, "linear: weight \(weight.shape) for input \(x.shape)")
        let rows = x.count / inF
        let xs = x.scalars, ws = weight.scalars, bs = bias?.scalars
        var out = [Float](repeating: 0, count: rows * outF)
        for r in 0..<rows {
            for o in 0..<outF {
                var sum = Double(bs?[o] ?? 0)
                for i in 0..<inF { sum += Double(xs[r * inF + i]) * Double(ws[o * inF + i]) }
                out[r * outF + o] = Float(sum)
            }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [outF], values: out)
    }

    public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor, bias: Tensor, epsilon: Float, silu: Bool)
        -> Tensor
    {
        let n = x.shape[0], c = x.shape[1]
        let spatial = x.count / (n * c)
        let perGroup = c / groups
        var out = x.scalars
        let ws = weight.scalars, bs = bias.scalars
        for b in 0..<n {
            for g in 0..<groups {
                let start = (b * c + g * perGroup) * spatial, len = perGroup * spatial
                var mean = 0.0
                for i in 0..<len { mean += Double(out[start + i]) }
                mean /= Double(len)
                var variance = 0.0
                for i in 0..<len { let d = Double(out[start + i]) - mean; variance += d * d }
                variance /= Double(len)
                let inv = 1 / (variance + Double(epsilon)).squareRoot()
                for i in 0..<len {
                    let ch = g * perGroup + i / spatial
                    var y = Float((Double(out[start + i]) - mean) * inv) * ws[ch] + bs[ch]
                    if silu { y = y / (1 + Foundation.exp(-y)) }
                    out[start + i] = y
                }
            }
        }
        return Tensor(shape: x.shape, values: out)
    }

    public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float) -> Tensor {
        let width = x.shape.last!
        var out = x.scalars
        let ws = weight.scalars, bs = bias.scalars
        for r in 0..<(x.count / width) {
            let start = r * width
            var mean = 0.0
            for i in 0..<width { mean += Double(out[start + i]) }
            mean /= Double(width)
            var variance = 0.0
            for i in 0..<width { let d = Double(out[start + i]) - mean; variance += d * d }
            variance /= Double(width)
            let inv = 1 / (variance + Double(epsilon)).squareRoot()
            for i in 0..<width {
                out[start + i] = Float((Double(out[start + i]) - mean) * inv) * ws[i] + bs[i]
            }
        }
        return Tensor(shape: x.shape, values: out)
    }

    public func activation(_ x: Tensor, _ kind: Activation) -> Tensor {
        Tensor(shape: x.shape, values: x.scalars.map { Self.apply(kind, $0) })
    }

    static func apply(_ kind: Activation, _ v: Float) -> Float {
        switch kind {
        case .silu: return v / (1 + Foundation.exp(-v))
        case .gelu: return Float(0.5 * Double(v) * (1 + Foundation.erf(Double(v) / 2.0.squareRoot())))
        case .quickGelu: return v / (1 + Foundation.exp(-1.702 * v))
        }
    }

    public func geglu(_ x: Tensor) -> Tensor {
        let width = x.shape.last! / 2
        let xs = x.scalars
        var out = [Float](repeating: 0, count: x.count / 2)
        for r in 0..<(x.count / (2 * width)) {
            for i in 0..<width {
                out[r * width + i] = xs[r * 2 * width + i] * Self.apply(.gelu, xs[r * 2 * width + width + i])
            }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [width], values: out)
    }

    public func softmax(_ x: Tensor) -> Tensor {
        let width = x.shape.last!
        var out = x.scalars
        for r in 0..<(x.count / width) {
            let row = r * width
            let m = out[row..<row + width].max() ?? 0
            var sum = 0.0
            for i in 0..<width { sum += Foundation.exp(Double(out[row + i] - m)) }
            for i in 0..<width { out[row + i] = Float(Foundation.exp(Double(out[row + i] - m)) / sum) }
        }
        return Tensor(shape: x.shape, values: out)
    }

    public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool) -> Tensor {
        let (n, lq, c) = (query.shape[0], query.shape[1], query.shape[2])
        let lk = key.shape[1], d = c / heads
        let q = query.scalars, k = key.scalars, v = value.scalars
        let scale = 1 / Double(d).squareRoot()
        var out = [Float](repeating: 0, count: n * lq * c)
        for b in 0..<n {
            for h in 0..<heads {
                for i in 0..<lq {
                    var scores = [Double](repeating: -.infinity, count: lk)
                    for j in 0..<lk where !(causal && j > i) {
                        var s = 0.0
                        for e in 0..<d {
                            s +=
                                Double(q[(b * lq + i) * c + h * d + e])
                                * Double(k[(b * lk + j) * c + h * d + e])
                        }
                        scores[j] = s * scale
                    }
                    let m = scores.max()!
                    let weights = scores.map { Foundation.exp($0 - m) }
                    let total = weights.reduce(0, +)
                    for e in 0..<d {
                        var acc = 0.0
                        for j in 0..<lk { acc += weights[j] * Double(v[(b * lk + j) * c + h * d + e]) }
                        out[(b * lq + i) * c + h * d + e] = Float(acc / total)
                    }
                }
            }
        }
        return Tensor(shape: [n, lq, c], values: out)
    }

    public func upsampleNearest(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let xs = x.scalars
        var out = [Float](repeating: 0, count: n * c * height * width)
        for p in 0..<(n * c) {
            for y in 0..<height {
                for xx in 0..<width {
                    let sy = min(y * h / height, h - 1), sx = min(xx * w / width, w - 1)
                    out[(p * height + y) * width + xx] = xs[(p * h + sy) * w + sx]
                }
            }
        }
        return Tensor(shape: [n, c, height, width], values: out)
    }

    public func concatChannels(_ a: Tensor, _ b: Tensor) -> Tensor {
        let n = a.shape[0]
        let aPer = a.count / n, bPer = b.count / n
        let xa = a.scalars, xb = b.scalars
        var out: [Float] = []
        for i in 0..<n {
            out += xa[i * aPer..<(i + 1) * aPer]
            out += xb[i * bPer..<(i + 1) * bPer]
        }
        var shape = a.shape
        shape[1] += b.shape[1]
        return Tensor(shape: shape, values: out)
    }

    public func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape)")
        return Tensor(shape: a.shape, values: zip(a.scalars, b.scalars).map { $0 + $1 })
    }

    public func addPerChannel(_ x: Tensor, _ values: Tensor) -> Tensor {
        let nc = x.shape[0] * x.shape[1], spatial = x.count / nc
        let vs = values.scalars
        var out = x.scalars
        for p in 0..<nc { for s in 0..<spatial { out[p * spatial + s] += vs[p] } }
        return Tensor(shape: x.shape, values: out)
    }

    public func scale(_ x: Tensor, by factor: Float) -> Tensor {
        Tensor(shape: x.shape, values: x.scalars.map { $0 * factor })
    }

    public func imageToTokens(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let xs = x.scalars
        var out = [Float](repeating: 0, count: x.count)
        for b in 0..<n {
            for ch in 0..<c {
                for s in 0..<(h * w) {
                    out[(b * h * w + s) * c + ch] = xs[(b * c + ch) * h * w + s]
                }
            }
        }
        return Tensor(shape: [n, h * w, c], values: out)
    }

    public func tokensToImage(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let (n, l, c) = (x.shape[0], x.shape[1], x.shape[2])
        precondition(l == height * width, "tokensToImage: \(l) tokens for \(height)×\(width)")
        let xs = x.scalars
        var out = [Float](repeating: 0, count: x.count)
        for b in 0..<n {
            for ch in 0..<c {
                for s in 0..<l {
                    out[(b * c + ch) * l + s] = xs[(b * l + s) * c + ch]
                }
            }
        }
        return Tensor(shape: [n, c, height, width], values: out)
    }

    public func embedding(_ ids: [Int32], table: Tensor) -> Tensor {
        let width = table.shape[1]
        let ts = table.scalars
        var out: [Float] = []
        for id in ids { out += ts[Int(id) * width..<(Int(id) + 1) * width] }
        return Tensor(shape: [ids.count, width], values: out)
    }
}
