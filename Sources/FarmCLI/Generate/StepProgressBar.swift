import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `sdfarm generate`'s progress on standard error: `[████▌     ] 45% step 9/20  1.32 s/it  ETA 15s`.
/// On a terminal the line is redrawn in place; otherwise (a log file) one line per step.
final class StepProgressBar: @unchecked Sendable {
    private let start = Date()
    private var lastStep = Date()
    private let redraw = isatty(STDERR_FILENO) != 0
    private var drawn = false

    func update(step: Int, total: Int) {
        let now = Date()
        let perStep = now.timeIntervalSince(start) / Double(max(step, 1))
        lastStep = now
        let eta = ProgressText.duration(perStep * Double(total - step))
        let line =
            "\(ProgressText.bar(done: step, total: total)) step \(step)/\(total)  "
            + String(format: "%.2f s/it", perStep) + "  ETA \(eta)"
        write(redraw ? "\r\(line)\u{1B}[K" : line + "\n")
        drawn = true
    }

    /// Ends the redrawn line.
    func finish() {
        if redraw && drawn { write("\n") }
        drawn = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
