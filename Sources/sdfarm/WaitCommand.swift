import ArgumentParser
import FarmProtocol
import Foundation

/// `sdfarm wait JOB`: blocks until the job ends; exit 0 only if every item is done.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wait", abstract: "Wait for a job to end (exit 0 if every item is done).")

    @Argument(help: "The job id.") var job: Int64
    @Option(help: "Give up after this many seconds (exit 2).") var timeout: Double?
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let job = self.job
        let client = self.client
        let final: JobSummary? = try await withThrowingTaskGroup(of: JobSummary?.self) { group in
            group.addTask {
                try await client.withClient { conn in try await conn.watch(job) { _ in } }
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                    return nil
                }
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        guard let final else {
            FileHandle.standardError.write(Data("job \(job) still running after \(timeout ?? 0) s\n".utf8))
            throw ExitCode(2)
        }
        let line = "job \(final.id) \(final.state): \(final.done) done, \(final.failed) failed, \(final.cancelled) cancelled of \(final.total)"
        print(client.json ? #"{"job":\#(final.id),"state":"\#(final.state)","done":\#(final.done),"failed":\#(final.failed),"cancelled":\#(final.cancelled),"total":\#(final.total)}"# : line)
        if !(final.state == "done" && final.done == final.total) { throw ExitCode(1) }
    }
}
