import ArgumentParser
import FarmClient
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
        _ = try await client.withClient { conn in
            try await conn.watch(job) { event in
                switch event {
                case .job(let j):
                    if json {
                        print(#"{"job":\#(j.id),"state":"\#(j.state)","done":\#(j.done),"failed":\#(j.failed),"total":\#(j.total)}"#)
                    } else {
                        print("job \(j.id) \(j.state) \(ProgressText.bar(done: j.done + j.failed + j.cancelled, total: j.total)) \(j.done)/\(j.total) done, \(j.failed) failed\(j.waiting.map { " — \($0)" } ?? "")")
                    }
                case .progress(let worker, let p):
                    if json {
                        print(#"{"worker":"\#(worker)","items":\#(p.itemIDs),"step":\#(p.step),"total_steps":\#(p.totalSteps)}"#)
                    } else {
                        print("  \(worker): items \(p.itemIDs.map(String.init).joined(separator: ",")) step \(p.step)/\(p.totalSteps)")
                        if terminal {
                            for line in HalfBlockPreview.render(rgb: p.preview.rgb, width: p.preview.width, height: p.preview.height, maxColumns: 24) { print("  " + line) }
                        }
                    }
                }
            }
        }
    }
}
