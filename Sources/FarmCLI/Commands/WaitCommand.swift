import ArgumentParser
import FarmProtocol
import Foundation

/// `sdfarm wait JOB`: blocks until the job ends; exit 0 only if every item is done. Carries on
/// across coordinator restarts (`JobFollower`).
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait", abstract: "Wait for a job to end (exit 0 if every item is done).")

    @Argument(help: "The job id (as submit printed it).") var job: Int64
    @Option(
        help:
            "Give up after this many seconds (exit 2); a job that has already ended is reported also with 0.")
    var timeout: Double?
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let timeout, !(timeout.isFinite && timeout >= 0) {
            throw ValidationError("--timeout must be 0 or more seconds, not \(timeout)")
        }
    }

    func run() async throws {
        let follower = JobFollower(address: client.address, token: try client.token())
        let outcome = try await follower.follow(
            job, timeout: timeout, onEvent: { _ in }, onReconnect: Self.announceReconnect)
        guard case .finished(let final) = outcome else {
            FileHandle.standardError.write(Data("job \(job) still running after \(timeout ?? 0) s\n".utf8))
            throw ExitCode(2)
        }
        let line =
            "job \(final.id) \(final.state): \(final.done) done, \(final.failed) failed, \(final.cancelled) cancelled of \(final.total)"
        print(client.json ? JSONLine.encode(JobJSON(final)) : line)
        if !(final.state == "done" && final.done == final.total) { throw ExitCode(1) }
    }

    @Sendable static func announceReconnect(_ reason: String, _ delay: Duration) {
        FileHandle.standardError.write(Data((JobFollower.reconnectLine(reason, delay) + "\n").utf8))
    }
}
