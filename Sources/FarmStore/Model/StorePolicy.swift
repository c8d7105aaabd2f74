/// The bounds that decide when an item stops being retried and a worker is blocked.
public struct StorePolicy: Sendable, Equatable {
    /// Tries per item: a retryable failure on the last try fails the item for good. A lease
    /// that ends (expired, or released when its worker went away) fails it only once leases
    /// of the item have ended on this many different workers — a prompt that kills every
    /// worker stops there, while a worker restarted again and again does not use up the
    /// items it held.
    public var maxAttempts: Int
    /// However many workers: an item whose tries reach this many (ended leases and failures
    /// together) fails when its lease ends once more. A farm of one worker still gives up.
    public var maxLeaseEnds: Int
    /// Failures of one worker within one job that block it for that job — counted only
    /// once the job has shown it can succeed (some item of it completed on another worker),
    /// so a malformed job never blocks healthy workers. Out-of-memory failures and
    /// expired leases never count.
    public var blockAfterFailures: Int

    public init(maxAttempts: Int = 3, blockAfterFailures: Int = 3, maxLeaseEnds: Int? = nil) {
        precondition(maxAttempts >= 1 && blockAfterFailures >= 1)
        self.maxAttempts = maxAttempts
        self.maxLeaseEnds = max(maxLeaseEnds ?? 3 * maxAttempts, maxAttempts)
        self.blockAfterFailures = blockAfterFailures
    }

    public static let `default` = StorePolicy()
}
