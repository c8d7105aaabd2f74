import ArgumentParser
import FarmProtocol
import Foundation

/// `sdfarm status`, `jobs`, `workers`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Workers and jobs.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let status = try await Self.fetch(client)
        if client.json {
            print(try StatusText.json(status), terminator: "")
        } else {
            print(StatusText.workers(status) + "\n" + StatusText.jobs(status), terminator: "")
        }
    }

    static func fetch(_ client: ClientOptions) async throws -> StatusView {
        StatusView(try await client.withClient { conn in try await conn.status(jobLimit: 50) })
    }
}

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List jobs.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        var status = try await StatusCommand.fetch(client)
        status.workers = []
        print(client.json ? try StatusText.json(status) : StatusText.jobs(status), terminator: "")
    }
}

struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers", abstract: "List connected workers.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        var status = try await StatusCommand.fetch(client)
        status.jobs = []
        print(client.json ? try StatusText.json(status) : StatusText.workers(status), terminator: "")
    }
}
