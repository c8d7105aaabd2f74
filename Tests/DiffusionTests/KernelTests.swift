import Foundation
import Testing

@testable import Diffusion

/// Every fast CPU kernel against its plain reference version, at several shapes including odd
/// ones. Tolerances: 1e-5 relative to the output's largest magnitude for sums of products
/// (float32 accumulation order differs from the reference's double accumulation), 2e-6 for
/// elementwise functions.
@Suite("Kernels: CPU backend against the reference backend")
struct KernelTests {
    let fast = CPUBackend()
    let reference = ReferenceBackend()

    @Test(
        "conv2d",
        arguments: [
            // (n, cin, h, w, cout, k, stride, padding)
            (1, 3, 7, 5, 4, 3, 1, 1), (2, 5, 9, 9, 3, 3, 2, 1), (1, 4, 8, 6, 6, 1, 1, 0),
            (1, 2, 6, 7, 3, 3, 2, 0), (1, 3, 5, 5, 2, 3, 1, 0), (2, 8, 4, 4, 8, 1, 1, 0),
            (1, 1, 1, 1, 1, 3, 1, 1), (1, 6, 11, 3, 5, 3, 1, 1),
        ])
    func conv2d(_ p: (Int, Int, Int, Int, Int, Int, Int, Int)) {
        var rng = TestRandom(seed: UInt64(p.0 * 1000 + p.1 * 100 + p.2))
        let x = rng.tensor([p.0, p.1, p.2, p.3])
        let w = rng.tensor([p.4, p.1, p.5, p.5])
        let b = rng.tensor([p.4])
        for bias in [b, nil] {
            let f = fast.conv2d(x, weight: w, bias: bias, stride: p.6, padding: p.7)
            let r = reference.conv2d(x, weight: w, bias: bias, stride: p.6, padding: p.7)
            #expect(f.shape == r.shape)
            #expect(
                withinTolerance("conv2d \(p) bias \(bias != nil)", fast: f, reference: r, tolerance: 1e-5))
        }
    }

    @Test("conv2d in bands of output rows", arguments: [(1, 1), (3, 2), (1, 1000)])
    func conv2dBands(_ p: (Int, Int)) {
        // A small im2col budget forces several bands (and a last, shorter one).
        let (budget, stride) = (p.0 * 3 * 9 * 6, p.1)
        var rng = TestRandom(seed: 7)
        let x = rng.tensor([2, 3, 13, 11]), w = rng.tensor([4, 3, 3, 3]), b = rng.tensor([4])
        let r = reference.conv2d(x, weight: w, bias: b, stride: stride, padding: 1)
        var f = Tensor(uninitialized: r.shape)
        f.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                w.withUnsafeBufferPointer { wp in
                    b.withUnsafeBufferPointer { bp in
                        Conv2DKernel.run(
                            x: xp.baseAddress!, n: 2, cin: 3, h: 13, w: 11, weight: wp.baseAddress!, cout: 4,
                            kernel: 3, stride: stride, padding: Padding2D(1), bias: bp.baseAddress!,
                            out: o.baseAddress!,
                            columnBudget: budget)
                    }
                }
            }
        }
        #expect(
            withinTolerance(
                "conv2d bands budget \(budget) stride \(stride)", fast: f, reference: r, tolerance: 1e-5))
    }

    @Test("conv2d with asymmetric padding (VAE downsampler)", arguments: [(8, 8), (7, 9), (6, 5)])
    func conv2dAsymmetric(_ p: (Int, Int)) {
        var rng = TestRandom(seed: UInt64(p.0 * 10 + p.1))
        let x = rng.tensor([2, 3, p.0, p.1]), w = rng.tensor([5, 3, 3, 3]), b = rng.tensor([5])
        let pad = Padding2D(top: 0, left: 0, bottom: 1, right: 1)
        let f = fast.conv2d(x, weight: w, bias: b, stride: 2, padding: pad)
        let r = reference.conv2d(x, weight: w, bias: b, stride: 2, padding: pad)
        #expect(f.shape == [2, 5, p.0 / 2, p.1 / 2])
        #expect(withinTolerance("conv2d pad (0,0,1,1) \(p)", fast: f, reference: r, tolerance: 1e-5))
    }

    @Test("linear", arguments: [(1, 3, 5), (7, 16, 9), (2 * 77, 33, 17), (5, 1, 1)])
    func linear(_ p: (Int, Int, Int)) {
        var rng = TestRandom(seed: UInt64(p.0 + p.1 + p.2))
        let x = rng.tensor([p.0, p.1])
        let w = rng.tensor([p.2, p.1])
        let b = rng.tensor([p.2])
        for bias in [b, nil] {
            #expect(
                withinTolerance(
                    "linear \(p)", fast: fast.linear(x, weight: w, bias: bias),
                    reference: reference.linear(x, weight: w, bias: bias), tolerance: 1e-5))
        }
        let x3 = x.reshaped([1, p.0, p.1])
        #expect(fast.linear(x3, weight: w, bias: b).shape == [1, p.0, p.2])
    }

    @Test(
        "group norm (with and without fused SiLU)",
        arguments: [(1, 4, 2, 3, 3), (2, 32, 8, 5, 7), (1, 6, 3, 1, 1), (2, 8, 8, 9, 9)])
    func groupNorm(_ p: (Int, Int, Int, Int, Int)) {
        var rng = TestRandom(seed: UInt64(p.1 * 31 + p.3))
        let x = rng.tensor([p.0, p.1, p.3, p.4], scale: 3)
        let w = rng.tensor([p.1]), b = rng.tensor([p.1])
        for silu in [false, true] {
            let f = fast.groupNorm(x, groups: p.2, weight: w, bias: b, epsilon: 1e-6, silu: silu)
            let r = reference.groupNorm(x, groups: p.2, weight: w, bias: b, epsilon: 1e-6, silu: silu)
            #expect(withinTolerance("groupNorm \(p) silu \(silu)", fast: f, reference: r, tolerance: 1e-5))
        }
    }

    @Test("layer norm", arguments: [(1, 5), (77, 32), (3, 768), (4, 13)])
    func layerNorm(_ p: (Int, Int)) {
        var rng = TestRandom(seed: UInt64(p.0 * 7 + p.1))
        let x = rng.tensor([p.0, p.1], scale: 4)
        let w = rng.tensor([p.1]), b = rng.tensor([p.1])
        #expect(
            withinTolerance(
                "layerNorm \(p)", fast: fast.layerNorm(x, weight: w, bias: b, epsilon: 1e-5),
                reference: reference.layerNorm(x, weight: w, bias: b, epsilon: 1e-5), tolerance: 1e-5))
    }

    @Test("activations", arguments: Activation.allCases)
    func activations(_ kind: Activation) {
        var rng = TestRandom(seed: 3)
        // Wide range, odd count (tail lanes), and the saturating extremes.
        var values = (0..<1001).map { _ in rng.next() * 12 }
        values += [-100, -88, -20, 0, 20, 88, 100]
        let x = Tensor(shape: [values.count], values: values)
        #expect(
            withinTolerance(
                "\(kind)", fast: fast.activation(x, kind), reference: reference.activation(x, kind),
                tolerance: 2e-6))
    }

    @Test("GEGLU", arguments: [(3, 4), (10, 11), (1, 40)])
    func geglu(_ p: (Int, Int)) {
        var rng = TestRandom(seed: UInt64(p.1))
        let x = rng.tensor([2, p.0, 2 * p.1], scale: 4)
        #expect(
            withinTolerance("geglu \(p)", fast: fast.geglu(x), reference: reference.geglu(x), tolerance: 2e-6)
        )
    }

    @Test("softmax", arguments: [(1, 1), (3, 7), (5, 77), (2, 1000)])
    func softmax(_ p: (Int, Int)) {
        var rng = TestRandom(seed: UInt64(p.1))
        let x = rng.tensor([p.0, p.1], scale: 20)
        #expect(
            withinTolerance(
                "softmax \(p)", fast: fast.softmax(x), reference: reference.softmax(x), tolerance: 2e-6))
    }

    @Test(
        "attention",
        arguments: [
            // (n, lq, lk, c, heads, causal)
            (1, 7, 7, 8, 2, true), (2, 16, 5, 12, 3, false), (1, 77, 77, 32, 4, true),
            (2, 9, 13, 40, 8, false), (1, 1, 1, 4, 1, false),
        ])
    func attention(_ p: (Int, Int, Int, Int, Int, Bool)) {
        var rng = TestRandom(seed: UInt64(p.1 * 100 + p.2))
        let q = rng.tensor([p.0, p.1, p.3], scale: 2)
        let k = rng.tensor([p.0, p.2, p.3], scale: 2)
        let v = rng.tensor([p.0, p.2, p.3])
        let f = fast.attention(query: q, key: k, value: v, heads: p.4, causal: p.5)
        let r = reference.attention(query: q, key: k, value: v, heads: p.4, causal: p.5)
        #expect(withinTolerance("attention \(p)", fast: f, reference: r, tolerance: 1e-5))
    }

    @Test("attention over several query blocks", arguments: [true, false])
    func attentionBlocks(causal: Bool) {
        // A score budget of 3 rows of 11 keys: blocks of 3 queries, the last one shorter.
        var rng = TestRandom(seed: 11)
        let q = rng.tensor([2, 11, 8]), k = rng.tensor([2, 11, 8]), v = rng.tensor([2, 11, 8])
        let r = reference.attention(query: q, key: k, value: v, heads: 2, causal: causal)
        var f = Tensor(uninitialized: r.shape)
        f.withUnsafeMutableBufferPointer { o in
            q.withUnsafeBufferPointer { qp in
                k.withUnsafeBufferPointer { kp in
                    v.withUnsafeBufferPointer { vp in
                        AttentionKernel.run(
                            q: qp.baseAddress!, k: kp.baseAddress!, v: vp.baseAddress!, out: o.baseAddress!,
                            n: 2, lq: 11, lk: 11, c: 8, heads: 2, causal: causal, scoreBudget: 33)
                    }
                }
            }
        }
        #expect(withinTolerance("attention blocks causal \(causal)", fast: f, reference: r, tolerance: 1e-5))
    }

    @Test("nearest upsampling", arguments: [(3, 4, 6, 8), (5, 3, 10, 6), (2, 2, 5, 3), (4, 4, 4, 4)])
    func upsample(_ p: (Int, Int, Int, Int)) {
        var rng = TestRandom(seed: 5)
        let x = rng.tensor([2, 3, p.0, p.1])
        #expect(
            fast.upsampleNearest(x, height: p.2, width: p.3).maxAbsDifference(
                reference.upsampleNearest(x, height: p.2, width: p.3)) == 0)
    }

    @Test("layout and elementwise operations")
    func layout() {
        var rng = TestRandom(seed: 9)
        let a = rng.tensor([2, 3, 5, 7]), b = rng.tensor([2, 4, 5, 7]), c = rng.tensor([2, 3, 5, 7])
        #expect(fast.concatChannels(a, b).maxAbsDifference(reference.concatChannels(a, b)) == 0)
        #expect(fast.add(a, c).maxAbsDifference(reference.add(a, c)) == 0)
        #expect(fast.scale(a, by: 0.3).maxAbsDifference(reference.scale(a, by: 0.3)) == 0)
        let v = rng.tensor([2, 3])
        #expect(fast.addPerChannel(a, v).maxAbsDifference(reference.addPerChannel(a, v)) == 0)
        let tokens = fast.imageToTokens(b)
        #expect(tokens.maxAbsDifference(reference.imageToTokens(b)) == 0)
        #expect(fast.tokensToImage(tokens, height: 5, width: 7).maxAbsDifference(b) == 0)
        let table = rng.tensor([10, 6])
        #expect(
            fast.embedding([3, 0, 9, 3], table: table).maxAbsDifference(
                reference.embedding([3, 0, 9, 3], table: table)) == 0)
    }
}
