import Foundation

/// Rate-limits identical log lines: the first of a kind is written, repeats within
/// `interval` are counted and left out, and the next one after the interval says how many
/// were left out. A full disk that fails every claim four times a second writes one line a
/// minute, not 240.
struct RepeatedLineLimiter: Sendable {
    let interval: TimeInterval
    private var last: [String: (at: Date, suppressed: Int)] = [:]

    init(interval: TimeInterval) {
        self.interval = interval
    }

    /// What to write for `line` at `now`: the line (with a note of repeats left out), or nil
    /// to leave it out.
    mutating func admit(_ line: String, now: Date) -> String? {
        if let seen = last[line], now.timeIntervalSince(seen.at) < interval {
            last[line] = (seen.at, seen.suppressed + 1)
            return nil
        }
        let suppressed = last[line]?.suppressed ?? 0
        last[line] = (now, 0)
        if last.count > 1000 { last = last.filter { now.timeIntervalSince($0.value.at) < interval } }
        return suppressed == 0 ? line : "\(line) (\(suppressed) more like it in the last \(Int(interval)) s)"
    }
}
