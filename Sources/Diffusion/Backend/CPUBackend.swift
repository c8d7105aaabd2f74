/// The CPU backend: OpenBLAS sgemm for convolutions, linear layers and attention; vectorised
/// Swift for the rest, split over `EngineThreads.count` threads.
public struct CPUBackend: Backend {
    public init() {}
    public var name: String { "cpu (OpenBLAS, \(EngineThreads.count) threads)" }

    public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Padding2D) -> Tensor
    {
        precondition(
            x.rank == 4 && weight.rank == 4 && weight.shape[1] == x.shape[1]
                && weight.shape[2] == weight.shape[3],
            "conv2d: weight \(weight.shape) for input \(x.shape)")
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, k) = (weight.shape[0], weight.shape[2])
        let oh = convOutputSize(
            h, kernel: k, stride: stride, padBefore: padding.top, padAfter: padding.bottom)
        let ow = convOutputSize(
            w, kernel: k, stride: stride, padBefore: padding.left, padAfter: padding.right)
        var out = Tensor(uninitialized: [n, cout, oh, ow])
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                weight.withUnsafeBufferPointer { wp in
                    withOptionalPointer(bias) { bp in
                        Conv2DKernel.run(
                            x: xp.baseAddress!, n: n, cin: cin, h: h, w: w, weight: wp.baseAddress!,
                            cout: cout, kernel: k, stride: stride, padding: padding,
                            bias: bp, out: o.baseAddress!)
                    }
                }
            }
        }
        return out
    }

    /// One sgemm per image (per slice of the leading dimension), never one over the whole
    /// batch: OpenBLAS picks kernels by matrix size, so rows computed in a bigger GEMM can
    /// round differently. Per image, an image's numbers do not depend on what it shares a
    /// U-Net batch with, and a farm's batched image is byte-identical to the same image
    /// made alone (Tests/FarmIntegrationTests/FarmRealEngineProcessTests).
    public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let (outF, inF) = (weight.shape[0], weight.shape[1])
        precondition(x.shape.last == inF, "linear: weight \(weight.shape) for input \(x.shape)")
        let rows = x.count / inF
        let images = x.rank >= 2 ? max(1, x.shape[0]) : 1
        let rowsPerImage = rows / images
        var out = Tensor(uninitialized: Array(x.shape.dropLast()) + [outF])
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                weight.withUnsafeBufferPointer { wp in
                    withOptionalPointer(bias) { bp in
                        if let bp {
                            Conv2DKernel.fillRowsRepeating(
                                o.baseAddress!, rows: rows, values: bp, width: outF)
                        }
                        for i in 0..<images where rowsPerImage > 0 {
                            sgemm(
                                transA: false, transB: true, m: rowsPerImage, n: outF, k: inF,
                                a: xp.baseAddress! + i * rowsPerImage * inF, lda: inF, b: wp.baseAddress!,
                                ldb: inF,
                                beta: bp == nil ? 0 : 1, c: o.baseAddress! + i * rowsPerImage * outF,
                                ldc: outF)
                        }
                    }
                }
            }
        }
        return out
    }

    public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor, bias: Tensor, epsilon: Float, silu: Bool)
        -> Tensor
    {
        let n = x.shape[0], c = x.shape[1]
        precondition(
            c % groups == 0 && weight.count == c && bias.count == c,
            "groupNorm: \(groups) groups for \(x.shape)")
        return unary(x) { xp, o in
            weight.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    NormKernels.groupNorm(
                        x: xp, out: o, n: n, c: c, spatial: x.count / max(n * c, 1), groups: groups,
                        weight: wp.baseAddress!, bias: bp.baseAddress!, epsilon: epsilon, silu: silu)
                }
            }
        }
    }

    public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float) -> Tensor {
        let width = x.shape.last!
        precondition(
            weight.count == width && bias.count == width, "layerNorm: weight \(weight.shape) for \(x.shape)")
        return unary(x) { xp, o in
            weight.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    NormKernels.layerNorm(
                        x: xp, out: o, rows: x.count / width, width: width,
                        weight: wp.baseAddress!, bias: bp.baseAddress!, epsilon: epsilon)
                }
            }
        }
    }

    public func activation(_ x: Tensor, _ kind: Activation) -> Tensor {
        unary(x) { xp, o in ActivationKernels.activation(kind, x: xp, out: o, count: x.count) }
    }

    public func geglu(_ x: Tensor) -> Tensor {
        let width = x.shape.last! / 2
        precondition(x.shape.last! % 2 == 0, "geglu: odd last dimension in \(x.shape)")
        var out = Tensor(uninitialized: Array(x.shape.dropLast()) + [width])
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                ActivationKernels.geglu(
                    x: xp.baseAddress!, out: o.baseAddress!, rows: x.count / (2 * width), width: width)
            }
        }
        return out
    }

    public func softmax(_ x: Tensor) -> Tensor {
        var out = x
        let width = x.shape.last!
        out.withUnsafeMutableBufferPointer { o in
            SoftmaxKernel.rows(o.baseAddress!, rows: x.count / width, width: width, causalOffset: nil)
        }
        return out
    }

    public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool) -> Tensor {
        let (n, lq, c) = (query.shape[0], query.shape[1], query.shape[2])
        let lk = key.shape[1]
        precondition(
            key.shape == [n, lk, c] && value.shape == key.shape && c % heads == 0,
            "attention: q \(query.shape), k \(key.shape), v \(value.shape), \(heads) heads")
        var out = Tensor(uninitialized: [n, lq, c])
        out.withUnsafeMutableBufferPointer { o in
            query.withUnsafeBufferPointer { q in
                key.withUnsafeBufferPointer { k in
                    value.withUnsafeBufferPointer { v in
                        AttentionKernel.run(
                            q: q.baseAddress!, k: k.baseAddress!, v: v.baseAddress!, out: o.baseAddress!,
                            n: n, lq: lq, lk: lk, c: c, heads: heads, causal: causal)
                    }
                }
            }
        }
        return out
    }

    public func upsampleNearest(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var out = Tensor(uninitialized: [n, c, height, width])
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                LayoutKernels.upsampleNearest(
                    xp.baseAddress!, o.baseAddress!, planes: n * c, h: h, w: w, oh: height, ow: width)
            }
        }
        return out
    }

    public func concatChannels(_ a: Tensor, _ b: Tensor) -> Tensor {
        let n = a.shape[0]
        precondition(
            b.shape[0] == n && a.shape.dropFirst(2) == b.shape.dropFirst(2),
            "concatChannels: \(a.shape) and \(b.shape)")
        var shape = a.shape
        shape[1] += b.shape[1]
        let aPer = a.count / max(n, 1), bPer = b.count / max(n, 1)
        var out = Tensor(uninitialized: shape)
        out.withUnsafeMutableBufferPointer { o in
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    for i in 0..<n {
                        (o.baseAddress! + i * (aPer + bPer)).update(
                            from: ap.baseAddress! + i * aPer, count: aPer)
                        (o.baseAddress! + i * (aPer + bPer) + aPer).update(
                            from: bp.baseAddress! + i * bPer, count: bPer)
                    }
                }
            }
        }
        return out
    }

    public func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape)")
        return unary(a) { ap, o in
            b.withUnsafeBufferPointer { bp in LayoutKernels.add(ap, bp.baseAddress!, o, count: a.count) }
        }
    }

    public func addPerChannel(_ x: Tensor, _ values: Tensor) -> Tensor {
        let planes = x.shape[0] * x.shape[1]
        precondition(values.count == planes, "addPerChannel: values \(values.shape) for \(x.shape)")
        return unary(x) { xp, o in
            values.withUnsafeBufferPointer { vp in
                LayoutKernels.addPerPlane(
                    xp, vp.baseAddress!, o, planes: planes, spatial: x.count / max(planes, 1))
            }
        }
    }

    public func scale(_ x: Tensor, by factor: Float) -> Tensor {
        unary(x) { xp, o in LayoutKernels.scale(xp, o, count: x.count, factor: factor) }
    }

    public func imageToTokens(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var out = Tensor(uninitialized: [n, h * w, c])
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                for b in 0..<n {
                    LayoutKernels.transpose(
                        xp.baseAddress! + b * c * h * w, o.baseAddress! + b * c * h * w, rows: c, cols: h * w)
                }
            }
        }
        return out
    }

    public func tokensToImage(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let (n, l, c) = (x.shape[0], x.shape[1], x.shape[2])
        precondition(l == height * width, "tokensToImage: \(l) tokens for \(height)×\(width)")
        var out = Tensor(uninitialized: [n, c, height, width])
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                for b in 0..<n {
                    LayoutKernels.transpose(
                        xp.baseAddress! + b * l * c, o.baseAddress! + b * l * c, rows: l, cols: c)
                }
            }
        }
        return out
    }

    public func embedding(_ ids: [Int32], table: Tensor) -> Tensor {
        let (vocab, width) = (table.shape[0], table.shape[1])
        var out = Tensor(uninitialized: [ids.count, width])
        out.withUnsafeMutableBufferPointer { o in
            table.withUnsafeBufferPointer { t in
                for (i, id) in ids.enumerated() {
                    precondition(id >= 0 && Int(id) < vocab, "embedding: id \(id) outside 0..<\(vocab)")
                    (o.baseAddress! + i * width).update(from: t.baseAddress! + Int(id) * width, count: width)
                }
            }
        }
        return out
    }

    /// Runs a kernel from x's elements into a new tensor of x's shape.
    private func unary(_ x: Tensor, _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void)
        -> Tensor
    {
        var out = Tensor(uninitialized: x.shape)
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in body(xp.baseAddress!, o.baseAddress!) }
        }
        return out
    }
}

@inline(__always)
func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let t else { return body(nil) }
    return t.withUnsafeBufferPointer { body($0.baseAddress!) }
}
