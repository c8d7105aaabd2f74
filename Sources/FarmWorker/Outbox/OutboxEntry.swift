/// A finished result waiting for the coordinator's acknowledgement.
public struct OutboxEntry: Sendable, Equatable, Codable {
    /// The claim it answers.
    public var item: Int64
    public var fence: Int64
    public var job: Int64
    /// Lowercase hex SHA-256 of the PNG and of the latents.
    public var pngSHA256: String
    public var latentsSHA256: String
    /// Seconds the batch took, for the coordinator's speed measurement.
    public var elapsed: Double
    public var batchSize: Int

    public init(
        item: Int64, fence: Int64, job: Int64, pngSHA256: String, latentsSHA256: String, elapsed: Double,
        batchSize: Int
    ) {
        self.item = item
        self.fence = fence
        self.job = job
        self.pngSHA256 = pngSHA256
        self.latentsSHA256 = latentsSHA256
        self.elapsed = elapsed
        self.batchSize = batchSize
    }

    /// The entry's folder name: unique per claim.
    var key: String { "\(item)-\(fence)" }
}
