/// A job's id: assigned by the database when the job is submitted.
public struct JobID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { "job \(rawValue)" }
    public static func < (a: JobID, b: JobID) -> Bool { a.rawValue < b.rawValue }
}

/// An item's id: unique across all jobs (an item is also named by its job and index).
public struct ItemID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { "item \(rawValue)" }
    public static func < (a: ItemID, b: ItemID) -> Bool { a.rawValue < b.rawValue }
}

/// A worker's id: chosen by the worker (stable across its restarts), so a reconnecting
/// worker is recognised.
public struct WorkerID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringInterpolation
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(stringInterpolation: DefaultStringInterpolation) {
        self.rawValue = String(stringInterpolation: stringInterpolation)
    }
    public var description: String { "worker \(rawValue)" }
}
