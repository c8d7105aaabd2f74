/// The bounds that decide when an item stops being retried and a worker is blocked.
public struct StorePolicy: Sendable, Equatable {
    /// Tries per item: a retryable failure (or an expired lease) on the last try fails the
    /// item for good.
    public var maxAttempts: Int
    /// Failures of one worker within one job that block it for that job — counted only
    /// once the job has shown it can succeed (some item of it completed on another worker),
    /// so a malformed job never blocks healthy workers. Out-of-memory failures and
    /// expired leases never count.
    public var blockAfterFailures: Int

    public init(maxAttempts: Int = 3, blockAfterFailures: Int = 3) {
        precondition(maxAttempts >= 1 && blockAfterFailures >= 1)
        self.maxAttempts = maxAttempts
        self.blockAfterFailures = blockAfterFailures
    }

    public static let `default` = StorePolicy()
}
