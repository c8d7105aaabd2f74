import Foundation

/// Local `sdfarm worker` processes started by `sdfarm demo`: the same binary, each with its
/// own name, outbox and log file. `stop()` sends SIGTERM (finish the batch in hand, then
/// leave) and waits; a worker still running after the grace period is killed.
final class WorkerProcesses: @unchecked Sendable {
    // @unchecked: `processes` is written once in init and only read afterwards.
    private let processes: [Process]
    let logFiles: [String]

    /// The running executable, so the workers are exactly this build.
    static func currentExecutable() throws -> String {
        let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CLIError("cannot find this executable (/proc/self/exe → \(path)) to start workers")
        }
        return path
    }

    init(
        count: Int, coordinator: HostPort, tokenFile: String, models: String, dataDirectory: String,
        threads: Int, maxBatch: Int
    ) throws {
        let executable = URL(fileURLWithPath: try Self.currentExecutable())
        var processes: [Process] = []
        var logs: [String] = []
        do {
            for i in 1...count {
                let name = "demo-worker-\(i)"
                let directory = (dataDirectory as NSString).appendingPathComponent(name)
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let log = (directory as NSString).appendingPathComponent("worker.log")
                guard FileManager.default.createFile(atPath: log, contents: nil),
                    let handle = FileHandle(forWritingAtPath: log)
                else {
                    throw CLIError("cannot create \(log)")
                }
                let process = Process()
                process.executableURL = executable
                process.arguments = [
                    "worker", "--coordinator", "\(coordinator.host):\(coordinator.port)", "--token-file",
                    tokenFile, "--name", name,
                    "--models", models, "--max-batch", "\(maxBatch)", "--threads", "\(threads)",
                    "--outbox", (directory as NSString).appendingPathComponent("outbox"),
                ]
                process.standardOutput = handle
                process.standardError = handle
                process.standardInput = FileHandle.nullDevice
                try process.run()
                processes.append(process)
                logs.append(log)
            }
        } catch {
            for p in processes { p.terminate() }
            throw error
        }
        self.processes = processes
        self.logFiles = logs
    }

    /// Workers that have exited (a worker that dies early is worth telling the user about).
    var exited: [(name: String, status: Int32, log: String)] {
        processes.indices.compactMap { i in
            processes[i].isRunning
                ? nil : ("demo-worker-\(i + 1)", processes[i].terminationStatus, logFiles[i])
        }
    }

    func stop(grace: Duration = .seconds(20)) async {
        for p in processes where p.isRunning { p.terminate() }
        let deadline = ContinuousClock.now + grace
        while processes.contains(where: \.isRunning), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) }
    }
}
