import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The built `sdfarm` executable run as a child process, output to a log file. For the
/// tests that run coordinator, workers and CLI as separate processes over loopback.
final class SdfarmProcess: Sendable {
    let name: String
    let log: String
    private let process: Mutex<Process>

    /// `sdfarm` next to the test runner in the build folder.
    static func executable() -> String? {
        if let path = ProcessInfo.processInfo.environment["SDFARM_EXECUTABLE"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("sdfarm").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    init(_ name: String, _ arguments: [String], logDirectory: String, environment: [String: String] = [:])
        throws
    {
        guard let exe = Self.executable() else {
            throw HarnessTimeout(what: "the sdfarm executable (run swift build --build-tests)")
        }
        self.name = name
        log = "\(logDirectory)/\(name).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        process = Mutex(p)
    }

    var pid: Int32 { process.withLock { $0.processIdentifier } }
    var isRunning: Bool { process.withLock { $0.isRunning } }
    var exitStatus: Int32 { process.withLock { $0.terminationStatus } }
    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for the process to exit (polling, with a deadline); returns its status.
    func wait(timeout: Double) async throws -> Int32 {
        try await FarmHarness.eventually("\(name) to exit", timeout: timeout, every: .milliseconds(50)) {
            !self.isRunning
        }
        return exitStatus
    }

    /// Runs a CLI command to completion; returns (status, output).
    static func run(_ name: String, _ arguments: [String], logDirectory: String, timeout: Double = 60)
        async throws -> (Int32, String)
    {
        let p = try SdfarmProcess(name, arguments, logDirectory: logDirectory)
        do {
            let status = try await p.wait(timeout: timeout)
            return (status, p.output)
        } catch {
            p.signal(SIGKILL)
            throw error
        }
    }

    /// Kills it if it still runs (test clean-up).
    func stop() {
        if isRunning { signal(SIGKILL) }
    }
}
