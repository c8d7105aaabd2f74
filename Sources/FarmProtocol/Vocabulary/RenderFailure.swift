/// Why items could not be rendered. Defined once: the engine throws it, the worker sends it
/// (the `failure` message carries `kind` as its u8), and the coordinator decides from `kind`
/// what the failure counts against (`FailureCause`).
public struct RenderFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// Anything else that went wrong on this worker (engine error, I/O): retryable
        /// elsewhere; counts against the worker.
        case worker = 0
        /// The batch did not fit in the memory the worker may use: retried with a smaller
        /// batch; never counted against the worker.
        case outOfMemory = 1
        /// This worker lacks something the request needs (the model is not in `--models`, the
        /// engine is not available here): retryable elsewhere.
        case unavailable = 2
        /// The request can never succeed here or anywhere (unknown sampler, size not a
        /// multiple of 8, a prompt the tokenizer refuses): the item fails for good.
        case invalidRequest = 3
        /// The render was stopped before it finished (the worker was told to stop, or is
        /// shutting down): not a failed try; the item goes back to the queue as it was.
        case cancelled = 4
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func worker(_ message: String) -> RenderFailure { RenderFailure(.worker, message) }
    public static func outOfMemory(_ message: String) -> RenderFailure {
        RenderFailure(.outOfMemory, message)
    }
    public static func unavailable(_ message: String) -> RenderFailure {
        RenderFailure(.unavailable, message)
    }
    public static func invalidRequest(_ message: String) -> RenderFailure {
        RenderFailure(.invalidRequest, message)
    }
    public static func cancelled(_ message: String) -> RenderFailure { RenderFailure(.cancelled, message) }

    /// Whether another try (elsewhere, or with a smaller batch) may succeed.
    public var retryable: Bool { kind != .invalidRequest }

    public var description: String {
        switch kind {
        case .worker: return message
        case .outOfMemory: return "out of memory: \(message)"
        case .unavailable: return "unavailable on this worker: \(message)"
        case .invalidRequest: return "invalid request: \(message)"
        case .cancelled: return "cancelled: \(message)"
        }
    }
}
