import ArgumentParser
import Foundation
import Testing

@testable import FarmCLI
@testable import FarmTesting

/// Issue 13 item 10: the small ones, with the real executable where the user meets them.
@Suite("CLI: coordinator data, unknown jobs and help text")
struct CLICoordinatorDataTests {
    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }

    @Test func aCoordinatorThatCannotListenCreatesNothing() async throws {
        let dir = try FarmProcessTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (holder, port) = try await FarmProcessTests.startCoordinator(
            dir: dir, name: "holder", database: [])
        defer { holder.stop() }
        let (status, output) = try await SdfarmProcess.run(
            "second", ["coordinator", "--listen", "127.0.0.1:\(port)", "--data", "\(dir)/second-data"],
            logDirectory: dir)
        #expect(status != 0)
        #expect(output.contains("cannot listen on 127.0.0.1:\(port)"), "\(output)")
        #expect(!output.contains("created token file"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/second-data"), "the data folder was created")
    }

    @Test func theDataFolderAndItsFilesArePrivate() async throws {
        let dir = try FarmProcessTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try SdfarmProcess(
            "private", ["coordinator", "--listen", "127.0.0.1:0", "--data", "\(dir)/data"], logDirectory: dir,
            environment: ["SDFARM_DATABASE_URL": ""])
        defer { p.stop() }
        try await FarmHarness.eventually("the coordinator to listen", every: .milliseconds(50)) {
            guard p.isRunning else { throw HarnessTimeout(what: "coordinator exited: \(p.output)") }
            return p.output.contains("listening on")
        }
        #expect(Self.mode("\(dir)/data") == 0o700)
        #expect(Self.mode("\(dir)/data/token") == 0o600)
        #expect(Self.mode("\(dir)/data/sdfarm.sqlite") == 0o600)
        #expect(Self.mode("\(dir)/data/results").map { $0 & 0o077 } == 0, "results folder open to others")
    }

    @Test func anExistingDataFolderIsMadePrivateOnlyWhenItIsSdfarms() throws {
        let base = NSTemporaryDirectory() + "sdfarm-data-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        for (name, contents) in [
            ("empty", [String]()), ("old", ["sdfarm.sqlite", "token"]), ("shared", ["notes.txt"]),
        ] {
            try FileManager.default.createDirectory(
                atPath: "\(base)/\(name)", withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o755])
            for file in contents {
                _ = FileManager.default.createFile(atPath: "\(base)/\(name)/\(file)", contents: nil)
            }
        }
        #expect(try CoordinatorData.secure("\(base)/empty") == nil)
        #expect(Self.mode("\(base)/empty") == 0o700)
        #expect(try CoordinatorData.secure("\(base)/old") == nil)
        #expect(Self.mode("\(base)/old") == 0o700)
        #expect(
            try CoordinatorData.secure("\(base)/shared")?.contains("run chmod 700 \(base)/shared") == true)
        #expect(Self.mode("\(base)/shared") == 0o755)
        #expect(try CoordinatorData.secure("\(base)/new/data") == nil)
        #expect(Self.mode("\(base)/new/data") == 0o700)
    }

    @Test func resultsForAnUnknownJobCreateNoFolder() async throws {
        let dir = try FarmProcessTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (coordinator, port) = try await FarmProcessTests.startCoordinator(
            dir: dir, name: "coordinator", database: [])
        defer { coordinator.stop() }
        let client = ["--coordinator", "127.0.0.1:\(port)", "--token-file", "\(dir)/token"]
        let (status, output) = try await SdfarmProcess.run(
            "results", ["results", "999", "--out", "\(dir)/out"] + client, logDirectory: dir)
        #expect(status != 0)
        #expect(output.contains("no job 999 on the coordinator"), "\(output)")
        #expect(
            !FileManager.default.fileExists(atPath: "\(dir)/out"),
            "results created its folder for a job that does not exist")
        var lines: [String] = []
        for command in ["cancel", "wait", "watch", "pause"] {
            let (status, output) = try await SdfarmProcess.run(
                command, [command, "999"] + client, logDirectory: dir)
            #expect(status != 0)
            lines.append(output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(
            Set(lines) == ["Error: no job 999 on the coordinator (sdfarm jobs lists the jobs)"], "\(lines)")
    }

    @Test func jobAndWorkerArgumentsHaveHelp() {
        let commands: [any ParsableCommand.Type] = [
            WaitCommand.self, WatchCommand.self, ResultsCommand.self, CancelCommand.self, PauseCommand.self,
            ResumeCommand.self, RetryCommand.self,
        ]
        for command in commands {
            #expect(command.helpMessage().contains("The job id"), "\(command)")
        }
        #expect(DrainCommand.helpMessage().contains("The worker's name"))
    }
}
