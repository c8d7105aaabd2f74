import ArgumentParser
import Foundation

/// `sdfarm cancel|pause|resume|retry JOB`.
protocol JobControl: AsyncParsableCommand {
    static var verb: String { get }
    var job: Int64 { get }
    var client: ClientOptions { get }
}

extension JobControl {
    func run() async throws {
        let job = self.job
        let reply = try await client.withClient { conn -> WireJob in
            try await conn.send(.control(verb: Self.verb, job: job))
            guard case .jobReply(let j) = try await conn.reply() else { throw CLIError("unexpected reply") }
            return j
        }
        print(client.json ? #"{"job":\#(reply.id),"state":"\#(reply.state)","queued":\#(reply.queued),"failed":\#(reply.failed)}"# : "job \(reply.id) is \(reply.state) (\(reply.done) done, \(reply.queued) queued, \(reply.failed) failed)")
    }
}

struct CancelCommand: JobControl {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job.")
    static let verb = "cancel"
    @Argument var job: Int64
    @OptionGroup var client: ClientOptions
}

struct PauseCommand: JobControl {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Stop handing out a job's items.")
    static let verb = "pause"
    @Argument var job: Int64
    @OptionGroup var client: ClientOptions
}

struct ResumeCommand: JobControl {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Hand out a paused job's items again.")
    static let verb = "resume"
    @Argument var job: Int64
    @OptionGroup var client: ClientOptions
}

struct RetryCommand: JobControl {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Queue a job's failed items again.")
    static let verb = "retry"
    @Argument var job: Int64
    @OptionGroup var client: ClientOptions
}

/// `sdfarm drain WORKER`.
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drain", abstract: "Ask a worker to finish its batch and leave.")
    @Argument var worker: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let worker = self.worker
        let text = try await client.withClient { conn -> String in
            try await conn.send(.drainWorker(name: worker))
            guard case .done(let message) = try await conn.reply() else { throw CLIError("unexpected reply") }
            return message
        }
        print(text)
    }
}
