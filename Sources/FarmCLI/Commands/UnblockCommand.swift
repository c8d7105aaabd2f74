import ArgumentParser
import FarmClient

/// `sdfarm unblock JOB [WORKER]`: lifts blocks recorded against workers for a job (one
/// worker's, or every worker's) and forgives the failures behind them.
struct UnblockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock", abstract: "Let workers blocked for a job take its items again.")
    @Argument(help: "The job.") var job: Int64
    @Argument(help: "The worker's id (default: every worker blocked for the job).") var worker: String?
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard job >= 1 else { throw ValidationError("job ids start at 1; got \(job)") }
    }

    func run() async throws {
        let (job, worker) = (self.job, self.worker)
        print(try await client.withClient { conn in try await conn.unblock(job: job, worker: worker) })
    }
}
