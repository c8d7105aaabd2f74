import Foundation

/// The result disk's free space against the reserve (`--min-free-space`), as last measured.
/// Below the reserve the coordinator claims no new work and asks workers to keep their
/// results in their outboxes; at or above it again it carries on by itself.
public struct DiskReserve: Sendable, Equatable {
    public var minFree: Int64
    /// Bytes free when last measured; nil before the first measurement or when it failed.
    public var free: Int64?
    /// Why the last measurement failed, if it did.
    public var probeError: String?

    public init(minFree: Int64) {
        self.minFree = minFree
    }

    /// True when results must not be written: below the reserve. A failed measurement
    /// counts as enough space (writes then report their own errors).
    public var isLow: Bool { (free ?? Int64.max) < minFree }

    /// One line for `status`/`why`, or nil when there is room.
    public var summary: String? {
        guard isLow, let free else { return nil }
        return "the result disk has \(Self.bytes(free)) free, below the reserve of \(Self.bytes(minFree)): "
            + "no new work is handed out and workers keep their results until space returns"
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : "\(String(format: "%.1f", value)) \(units[unit])"
    }
}
