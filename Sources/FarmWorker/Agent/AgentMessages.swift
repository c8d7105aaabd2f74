import FarmProtocol

/// What the coordinator tells a worker, as the worker's agent sees it (the connection turns
/// protocol frames into these).
public enum CoordinatorMessage: Sendable, Equatable {
    case assign(WorkBatch)
    /// The result is stored: forget it.
    case resultAccepted(item: Int64, fence: Int64)
    /// The result is not wanted: forget it.
    case resultRefused(item: Int64, fence: Int64, reason: String)
    /// The coordinator cannot take the result now: keep it, send it again after `after`
    /// seconds (or on the next connection, whichever comes first).
    case resultRetryLater(item: Int64, fence: Int64, after: Double, reason: String)
    /// Stop working on these claims.
    case cancel([ClaimRef])
    /// Finish what you hold, then leave.
    case drain
}

/// One claim of one item: (item, fence).
public struct ClaimRef: Sendable, Hashable {
    public var item: Int64
    public var fence: Int64

    public init(item: Int64, fence: Int64) {
        self.item = item
        self.fence = fence
    }
}

/// A batch of items sharing their settings, under a lease.
public struct WorkBatch: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var claim: ClaimRef
        public var job: Int64
        public var index: Int
        public var prompt: String
        public var negativePrompt: String
        public var seed: UInt64

        public init(
            claim: ClaimRef, job: Int64, index: Int, prompt: String, negativePrompt: String, seed: UInt64
        ) {
            self.claim = claim
            self.job = job
            self.index = index
            self.prompt = prompt
            self.negativePrompt = negativePrompt
            self.seed = seed
        }
    }

    public var settings: RenderSettings
    public var leaseTTL: Double
    public var items: [Item]

    public init(settings: RenderSettings, leaseTTL: Double, items: [Item]) {
        self.settings = settings
        self.leaseTTL = leaseTTL
        self.items = items
    }
}

/// What a worker tells the coordinator.
public enum WorkerReport: Sendable, Equatable {
    /// Send up to this many more items.
    case credit(Int)
    case heartbeat
    case progress(
        job: Int64, items: [Int64], step: Int, totalSteps: Int, preview: [UInt8], previewWidth: Int,
        previewHeight: Int)
    /// A finished item (from the outbox).
    case result(OutboxEntry, png: [UInt8], latents: [UInt8])
    case failure(ClaimRef, RenderFailure)
    /// Leaving (drained).
    case goodbye
}

/// The agent's way to send to the coordinator over the current connection.
public protocol CoordinatorLink: Sendable {
    /// Sends a report; throws if the connection is gone (the agent then waits for the next).
    func send(_ report: WorkerReport) async throws
}
