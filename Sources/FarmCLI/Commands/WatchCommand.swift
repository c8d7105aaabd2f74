import ArgumentParser
import FarmClient
import FarmProtocol
import Foundation

/// `sdfarm watch JOB`: live progress per worker, with small previews in a terminal. Carries on
/// across coordinator restarts (`JobFollower`).
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Follow a job's progress until it ends.")
    @Argument(help: "The job id (as submit printed it).") var job: Int64
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let json = client.json
        let terminal = isatty(STDOUT_FILENO) == 1 && !json
        let follower = JobFollower(address: client.address, token: try client.token())
        _ = try await follower.follow(
            job,
            onEvent: { event in
                for line in Self.lines(for: event, json: json, terminal: terminal) { print(line) }
            }, onReconnect: WaitCommand.announceReconnect)
    }

    /// What one event prints: one JSON object per line with --json, else text (and a
    /// half-block preview in a terminal).
    static func lines(for event: FarmClient.WatchEvent, json: Bool, terminal: Bool) -> [String] {
        switch event {
        case .job(let j):
            if json { return [JSONLine.encode(JobJSON(j))] }
            return [
                "job \(j.id) \(j.state) \(ProgressText.bar(done: j.done + j.failed + j.cancelled, total: j.total)) \(j.done)/\(j.total) done, \(j.failed) failed\(j.waiting.map { " — \($0)" } ?? "")"
            ]
        case .progress(let worker, let p):
            if json {
                return [
                    JSONLine.encode(
                        WatchProgressJSON(
                            worker: worker, items: p.itemIDs, step: p.step, total_steps: p.totalSteps))
                ]
            }
            var out = [
                "  \(worker): items \(p.itemIDs.map(String.init).joined(separator: ",")) step \(p.step)/\(p.totalSteps)"
            ]
            if terminal {
                out += HalfBlockPreview.render(
                    rgb: p.preview.rgb, width: p.preview.width, height: p.preview.height, maxColumns: 24
                ).map { "  " + $0 }
            }
            return out
        }
    }
}
