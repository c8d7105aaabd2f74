/// Text pieces for `sdfarm status` and `watch`: a progress bar, rates and durations.
enum ProgressText {
    /// `[█████▌    ] 55%` — `width` cells, eighth-cell precision.
    static func bar(done: Int, total: Int, width: Int = 20) -> String {
        guard total > 0 else { return "[" + String(repeating: " ", count: width) + "]   -" }
        let fraction = min(1, max(0, Double(done) / Double(total)))
        let eighths = Int((fraction * Double(width * 8)).rounded(.down))
        let full = eighths / 8
        let partial = eighths % 8
        let blocks = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var cells = String(repeating: "█", count: full)
        if full < width {
            cells += blocks[partial]
            cells += String(repeating: " ", count: width - full - (partial > 0 ? 1 : 0))
        }
        let percent = Int((fraction * 100).rounded(.down))
        let label = String(repeating: " ", count: max(0, 3 - String(percent).count)) + "\(percent)%"
        return "[\(cells)] \(label)"
    }

    /// `1h02m`, `3m05s`, `42s`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h" + pad2((s % 3600) / 60) + "m" }
        if s >= 60 { return "\(s / 60)m" + pad2(s % 60) + "s" }
        return "\(s)s"
    }

    /// The time left at `perMinute` images a minute, or nil when unknown.
    static func eta(remaining: Int, perMinute: Double?) -> String? {
        guard remaining > 0, let perMinute, perMinute > 0 else { return nil }
        return duration(Double(remaining) / perMinute * 60)
    }

    private static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
