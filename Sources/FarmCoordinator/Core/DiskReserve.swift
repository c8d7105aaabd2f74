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
    /// A result write failed (ENOSPC above the reserve, an I/O error), and the free space
    /// then. Cleared when a later measurement finds more free space: then writes are tried
    /// again.
    public private(set) var writeFailure: (reason: String, freeThen: Int64?)?

    public init(minFree: Int64) {
        self.minFree = minFree
    }

    public static func == (a: DiskReserve, b: DiskReserve) -> Bool {
        a.minFree == b.minFree && a.free == b.free && a.probeError == b.probeError
            && a.writeFailure?.reason == b.writeFailure?.reason
            && a.writeFailure?.freeThen == b.writeFailure?.freeThen
    }

    /// True when results must not be written: below the reserve, or a write failed and no
    /// space was freed since. A failed measurement counts as enough space (writes then
    /// report their own errors).
    public var isLow: Bool { (free ?? Int64.max) < minFree || writeFailure != nil }

    /// A new measurement (nil: it failed).
    mutating func measured(_ bytes: Int64?) {
        free = bytes
        if let failure = writeFailure, let bytes, bytes > (failure.freeThen ?? -1) {
            writeFailure = nil
        }
    }

    /// A result could not be written; `free` must be measured just before.
    mutating func writeFailed(_ reason: String) {
        writeFailure = (reason, free)
    }

    /// One line for `status`/`why`, or nil when there is room.
    public var summary: String? {
        let consequence = "no new work is handed out and workers keep their results until space returns"
        if let free, free < minFree {
            return
                "the result disk has \(Self.bytes(free)) free, below the reserve of \(Self.bytes(minFree)): \(consequence)"
        }
        if let failure = writeFailure {
            return "results cannot be written (\(failure.reason)): \(consequence)"
        }
        return nil
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
