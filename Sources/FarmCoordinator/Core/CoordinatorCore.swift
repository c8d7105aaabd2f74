import FarmProtocol
import FarmStore
import Foundation
import Logging

/// The coordinator's brain: owns the connected workers' state machines and the dispatch
/// loop, over a `JobStore` (the source of truth, blocks included) and the result store. It does
/// no network I/O itself: the server turns frames into calls here, and `WorkerLink`s carry
/// commands back. Time comes from the injected clock.
public actor CoordinatorCore {
    let store: any JobStore
    nonisolated public let results: ResultStore
    let clock: any FarmClock
    let config: CoordinatorConfig
    let logger: Logger
    let dispatchPolicy = DispatchPolicy()
    public let progress = ProgressHub<WatchEvent>()

    var workers: [WorkerID: WorkerEntry] = [:]
    var counters = FarmMetrics()
    var storeHealth = StoreHealth()
    var disk: DiskReserve
    /// When the result disk went below its reserve (or a write failed); nil while it has room.
    var diskLowSince: Date?
    var repeatedLines: RepeatedLineLimiter
    var waitReasons: [RenderSettings: DispatchPolicy.WaitReason] = [:]
    var nextConnection = 0
    var nextBatch = 0
    var dispatching = false
    var dispatchRequested = false

    public init(
        store: any JobStore, results: ResultStore, clock: any FarmClock = SystemFarmClock(),
        config: CoordinatorConfig = CoordinatorConfig(), logger: Logger = Logger(label: "sdfarm.coordinator")
    ) {
        self.store = store
        self.results = results
        self.clock = clock
        self.config = config
        self.logger = logger
        disk = DiskReserve(minFree: config.minFreeSpace)
        repeatedLines = RepeatedLineLimiter(interval: config.repeatedErrorInterval)
    }

    /// The store, for read-only queries (status, results).
    public var jobStore: any JobStore { store }

    /// Models held by connected workers.
    var connectedModels: Set<String> {
        workers.values.reduce(into: Set<String>()) { $0.formUnion($1.capabilities.modelNames) }
    }

    /// The metrics as of now (the store's queue depth included).
    public func metrics() async -> FarmMetrics {
        var m = counters
        m.previewsDropped = await progress.droppedTotal
        m.workersByState = workers.values.reduce(into: [:]) {
            $0[$1.lifecycle.state.rawValue, default: 0] += 1
        }
        for entry in workers.values {
            m.workers[entry.name] = .init(
                imagesDone: entry.imagesDone, imagesPerMinute: entry.speed.imagesPerMinute)
        }
        m.itemsLeased = workers.values.reduce(0) { $0 + $1.leases.count }
        // Unknown (no sample), never 0, when the store cannot say.
        m.queueDepth = await storeCall("queue depth", "metrics scrape", heals: false) {
            try await store.queuedBatchKeys(limit: 10_000).reduce(0) { $0 + $1.queued }
        }
        m.storeErrors = counters.storeErrors
        m.storeHealthy = storeHealth.isHealthy
        m.resultDiskFreeBytes = disk.free
        m.resultDiskLow = disk.isLow
        return m
    }
}

extension CoordinatorCore {
    /// A connection failed the handshake (wrong token, wrong protocol): counted in metrics.
    public func countRefusedConnection() {
        counters.connectionsRefused += 1
    }
}
