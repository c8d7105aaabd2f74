import Dispatch

/// Splits work over the engine's threads with `DispatchQueue.concurrentPerform`.
/// `threads` is read from `EngineThreads.count`; 1 runs inline.
enum Parallel {
    /// Calls `body(range)` on disjoint ranges covering `0..<count`, at most `threads` at once,
    /// each range at least `minChunk` long (small jobs run inline on the caller).
    static func forRanges(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let threads = EngineThreads.count
        let chunks = min(threads, max(1, count / max(minChunk, 1)))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = count * c / chunks
                let hi = count * (c + 1) / chunks
                if lo < hi { box.value(lo..<hi) }
            }
        }
    }
}

/// Carries a value the caller knows is safe to share into a concurrent closure (kernels pass
/// pointers to disjoint parts of one buffer).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
