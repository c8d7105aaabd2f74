/// Why an engine could not render a batch — the kinds the coordinator counts differently.
public enum EngineFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Out of memory: the coordinator retries with a smaller batch, and does not blame us.
    case outOfMemory(String)
    /// The request can never succeed here or anywhere (unknown sampler, size not a multiple of
    /// 8, prompt the tokenizer refuses): the item fails for good.
    case invalidRequest(String)
    /// This worker lacks something the request needs (the model is not in `--models`, the
    /// engine is not available): retryable elsewhere.
    case unavailable(String)
    /// Anything else that went wrong on this worker: retryable elsewhere.
    case failed(String)

    public var description: String {
        switch self {
        case .outOfMemory(let m): return "out of memory: \(m)"
        case .invalidRequest(let m): return "invalid request: \(m)"
        case .unavailable(let m): return "unavailable on this worker: \(m)"
        case .failed(let m): return m
        }
    }

    /// Whether another try (elsewhere, or with a smaller batch) may succeed.
    public var retryable: Bool {
        if case .invalidRequest = self { return false }
        return true
    }
}
