import Foundation

/// An item as stored.
public struct ItemRecord: Sendable, Equatable, Identifiable {
    public var id: ItemID
    public var job: JobID
    /// Position in submission order, from 0.
    public var index: Int
    public var spec: ItemSpec
    public var state: ItemState
    /// The try this item is on (or was last on), from 1.
    public var attempt: Int
    /// Bumped by every claim; a report must carry the fence of the claim it answers.
    public var fence: Int64
    public var leaseOwner: WorkerID?
    public var leaseExpiresAt: Date?
    public var lastError: String?
    public var result: ItemResult?
    public var completedBy: WorkerID?
    public var updatedAt: Date
}

/// Where a finished image is and what it hashes to.
public struct ItemResult: Sendable, Equatable, Codable {
    /// Lowercase hex SHA-256 of the PNG.
    public var sha256: String
    public var size: Int64
    /// Where the result store put it (a path or key; opaque to the job store).
    public var location: String

    public init(sha256: String, size: Int64, location: String) {
        self.sha256 = sha256
        self.size = size
        self.location = location
    }
}

/// An item handed to a worker under a lease: everything needed to render it and to
/// report on it.
public struct ClaimedItem: Sendable, Equatable {
    public var id: ItemID
    public var job: JobID
    public var index: Int
    public var spec: ItemSpec
    public var attempt: Int
    public var fence: Int64
    public var leaseExpiresAt: Date

    /// The pair a report about this claim must carry.
    public var lease: LeaseToken { LeaseToken(item: id, fence: fence) }
}

/// Names one claim of one item: (item, fence).
public struct LeaseToken: Sendable, Hashable, Codable {
    public var item: ItemID
    public var fence: Int64

    public init(item: ItemID, fence: Int64) {
        self.item = item
        self.fence = fence
    }
}
