import FarmProtocol
import Foundation

/// The demo's live progress on stderr: one line rewritten in place on a terminal (job bar and
/// each worker's step), or a plain line per finished image otherwise.
struct DemoProgressLine {
    private let terminal = isatty(STDERR_FILENO) == 1
    private var job: JobSummary?
    private var workers: [String: String] = [:]
    private var reportedDone = -1

    mutating func update(job: JobSummary) {
        self.job = job
        let finished = job.done + job.failed + job.cancelled
        if terminal {
            draw()
        } else if finished != reportedDone {
            reportedDone = finished
            FileHandle.standardError.write(
                Data("\(finished)/\(job.total) images (\(job.failed) failed)\n".utf8))
        }
    }

    mutating func update(worker: String, step: Int, of total: Int) {
        workers[worker] = "\(step)/\(total)"
        if terminal { draw() }
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func draw() {
        guard let job else { return }
        let finished = job.done + job.failed + job.cancelled
        let steps = workers.keys.sorted().map { "\($0) \(workers[$0]!)" }.joined(separator: "  ")
        let text =
            "\r\u{1B}[2K\(ProgressText.bar(done: finished, total: job.total)) \(job.done)/\(job.total) done  \(steps)"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
