import ArgumentParser
import FarmClient
import FarmProtocol
import Foundation

/// `sdfarm cancel|pause|resume|retry JOB`.
protocol JobControl: AsyncParsableCommand {
    static func apply(_ conn: inout FarmClient, _ job: Int64) async throws -> JobSummary
    var job: Int64 { get }
    var client: ClientOptions { get }
}

extension JobControl {
    func run() async throws {
        let job = self.job
        let reply = try await client.withJob(job) { conn in try await Self.apply(&conn, job) }
        print(
            client.json
                ? JSONLine.encode(JobJSON(reply))
                : "job \(reply.id) is \(reply.state) (\(reply.done) done, \(reply.queued) queued, \(reply.failed) failed)"
        )
    }
}

struct CancelCommand: JobControl {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job.")
    static func apply(_ conn: inout FarmClient, _ job: Int64) async throws -> JobSummary {
        try await conn.cancel(job)
    }
    @Argument(help: "The job id (as submit printed it).") var job: Int64
    @OptionGroup var client: ClientOptions
}

struct PauseCommand: JobControl {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop handing out a job's items.")
    static func apply(_ conn: inout FarmClient, _ job: Int64) async throws -> JobSummary {
        try await conn.pause(job)
    }
    @Argument(help: "The job id (as submit printed it).") var job: Int64
    @OptionGroup var client: ClientOptions
}

struct ResumeCommand: JobControl {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Hand out a paused job's items again.")
    static func apply(_ conn: inout FarmClient, _ job: Int64) async throws -> JobSummary {
        try await conn.resume(job)
    }
    @Argument(help: "The job id (as submit printed it).") var job: Int64
    @OptionGroup var client: ClientOptions
}

struct RetryCommand: JobControl {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Queue a job's failed items again.")
    static func apply(_ conn: inout FarmClient, _ job: Int64) async throws -> JobSummary {
        try await conn.retry(job)
    }
    @Argument(help: "The job id (as submit printed it).") var job: Int64
    @OptionGroup var client: ClientOptions
}

/// `sdfarm drain WORKER`.
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Ask a worker to finish its batch and leave.")
    @Argument(help: "The worker's name (as sdfarm workers lists it).") var worker: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let worker = self.worker
        print(try await client.withClient { conn in try await conn.drain(worker: worker) })
    }
}
