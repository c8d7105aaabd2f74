import ArgumentParser
import Foundation

/// `sdfarm watch JOB`: live progress per worker, with small previews in a terminal.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Follow a job's progress until it ends.")
    @Argument var job: Int64
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let job = self.job
        let json = client.json
        let terminal = isatty(STDOUT_FILENO) == 1 && !json
        try await client.withClient { conn in
            try await conn.send(.watch(job: job))
            while true {
                switch try await conn.reply() {
                case .watchEvent(.job(let j)):
                    if json {
                        print(#"{"job":\#(j.id),"state":"\#(j.state)","done":\#(j.done),"failed":\#(j.failed),"total":\#(j.total)}"#)
                    } else {
                        print("job \(j.id) \(j.state) \(ProgressText.bar(done: j.done + j.failed + j.cancelled, total: j.total)) \(j.done)/\(j.total) done, \(j.failed) failed\(j.waiting.map { " — \($0)" } ?? "")")
                    }
                case .watchEvent(.progress(let worker, let p)):
                    if json {
                        print(#"{"worker":"\#(worker)","items":\#(p.items),"step":\#(p.step),"total_steps":\#(p.totalSteps)}"#)
                    } else {
                        print("  \(worker): items \(p.items.map(String.init).joined(separator: ",")) step \(p.step)/\(p.totalSteps)")
                        if terminal {
                            for line in HalfBlockPreview.render(rgb: [UInt8](p.preview), width: p.previewWidth, height: p.previewHeight, maxColumns: 24) { print("  " + line) }
                        }
                    }
                case .watchEnd:
                    return
                default:
                    throw CLIError("unexpected reply while watching")
                }
            }
        }
    }
}
