import Testing

@testable import Diffusion

/// The head-parallel attention path (AttentionKernel+HeadParallel.swift) against the
/// reference backend: odd numbers of (batch, head) pairs for the threads to share, query
/// blocks that do not divide the sequence, causal masking, cross-attention shapes.
@Suite struct AttentionHeadParallelTests {
    @Test(arguments: [
        // (n, lq, lk, c, heads, causal, score budget)
        (1, 13, 13, 24, 3, true, 40), (3, 10, 7, 16, 1, false, 21), (2, 33, 77, 40, 5, false, 1 << 18),
        (1, 64, 64, 32, 8, true, 64 * 5), (2, 9, 4, 12, 2, false, 4),
    ])
    func matchesReference(_ p: (Int, Int, Int, Int, Int, Bool, Int)) {
        let (n, lq, lk, c, heads, causal, budget) = p
        var rng = TestRandom(seed: UInt64(lq * 1000 + lk))
        let q = rng.tensor([n, lq, c], scale: 2), k = rng.tensor([n, lk, c], scale: 2),
            v = rng.tensor([n, lk, c])
        let expected = ReferenceBackend().attention(query: q, key: k, value: v, heads: heads, causal: causal)
        var out = Tensor(zeros: expected.shape)
        var ran = false
        out.withUnsafeMutableBufferPointer { o in
            q.withUnsafeBufferPointer { qp in
                k.withUnsafeBufferPointer { kp in
                    v.withUnsafeBufferPointer { vp in
                        ran = AttentionKernel.runHeadParallel(
                            q: qp.baseAddress!, k: kp.baseAddress!, v: vp.baseAddress!, out: o.baseAddress!,
                            n: n, lq: lq, lk: lk, c: c, heads: heads, causal: causal, scoreBudget: budget)
                    }
                }
            }
        }
        if EngineThreads.count > 1 && n * heads >= EngineThreads.count {
            #expect(ran)
            #expect(
                withinTolerance(
                    "head-parallel attention \(p)", fast: out, reference: expected, tolerance: 1e-5))
        } else {
            #expect(!ran, "fewer pairs than threads, or one thread: the caller's path runs")
        }
    }
}
