/// The coordinator's figures at one moment, as Prometheus scrapes them. A value type: the
/// coordinator assembles one per scrape from its actors and the store.
public struct FarmMetrics: Sendable, Equatable {
    /// Items queued and not leased, over all active jobs.
    public var queueDepth = 0
    /// Items leased to workers now.
    public var itemsLeased = 0
    /// Counters since the coordinator started.
    public var itemsDone = 0
    public var itemsFailed = 0
    public var itemsAssigned = 0
    public var leaseExpiries = 0
    public var previewsDropped = 0
    public var connectionsRefused = 0
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
