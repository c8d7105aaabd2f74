/// What a worker announced at its handshake (stored as JSON in the job store's worker
/// record, and shown by `sdfarm workers`).
public struct WorkerCapabilities: Sendable, Equatable, Codable {
    public struct HeldModel: Sendable, Equatable, Codable {
        public var name: String
        public var sha256: String

        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    public var device: String
    public var memoryBytes: UInt64
    public var threads: Int
    public var maxBatch: Int
    public var models: [HeldModel]

    public init(device: String, memoryBytes: UInt64, threads: Int, maxBatch: Int, models: [HeldModel]) {
        self.device = device
        self.memoryBytes = memoryBytes
        self.threads = threads
        self.maxBatch = maxBatch
        self.models = models
    }

    public var modelNames: Set<String> { Set(models.map(\.name)) }
}
