/// The coordinator's figures at one moment, as Prometheus scrapes them. A value type: the
/// coordinator assembles one per scrape from its actors and the store.
public struct FarmMetrics: Sendable, Equatable {
    /// Items queued and not leased, over all active jobs; nil when the store could not say.
    public var queueDepth: Int? = 0
    /// Items leased to workers now.
    public var itemsLeased = 0
    /// Counters since the coordinator started.
    public var itemsDone = 0
    public var itemsFailed = 0
    public var itemsAssigned = 0
    public var leaseExpiries = 0
    public var previewsDropped = 0
    public var connectionsRefused = 0
    /// Results the coordinator could not record and asked the worker to resend later.
    public var resultsDeferred = 0
    /// Failed job-store calls since start, by operation ("claim", "complete", …).
    public var storeErrors: [String: Int] = [:]
    /// Whether the last store call succeeded.
    public var storeHealthy = true
    /// Free bytes on the result disk when last measured (nil: not measured).
    public var resultDiskFreeBytes: Int64?
    /// Below the reserve: no new work is claimed and results wait in the workers' outboxes.
    public var resultDiskLow = false
    /// Connected workers per state word.
    public var workersByState: [String: Int] = [:]
    /// Per worker, by name.
    public var workers: [String: WorkerFigures] = [:]

    public struct WorkerFigures: Sendable, Equatable {
        public var imagesDone = 0
        /// Smoothed over recent batches; nil before the first.
        public var imagesPerMinute: Double?

        public init(imagesDone: Int = 0, imagesPerMinute: Double? = nil) {
            self.imagesDone = imagesDone
            self.imagesPerMinute = imagesPerMinute
        }
    }

    public init() {}
}
