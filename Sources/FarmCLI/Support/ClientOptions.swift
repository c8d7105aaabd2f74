import ArgumentParser
import FarmClient
import FarmProtocol
import Foundation

/// Options every client command takes.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "The coordinator (default: $SDFARM_COORDINATOR, then 127.0.0.1:7878).")
    var coordinator: HostPort?

    @Option(
        name: .customLong("token-file"),
        help: "The client token (default: $SDFARM_TOKEN_FILE, then ./sdfarm-data/token).")
    var tokenFile: String?

    @Flag(help: "Machine-readable output.")
    var json = false

    var address: HostPort {
        if let coordinator { return coordinator }
        if let env = ProcessInfo.processInfo.environment["SDFARM_COORDINATOR"],
            let parsed = HostPort(argument: env)
        {
            return parsed
        }
        return .defaultCoordinator
    }

    func token() throws -> [UInt8] {
        try TokenFile.read(tokenFile ?? TokenFile.defaultPath)
    }

    /// Connects, authenticates, runs `body`; the library's errors become one CLI line.
    func withClient<T: Sendable>(_ body: (inout FarmClient) async throws -> T) async throws -> T {
        try await Self.withClient(address, token: try token(), body)
    }

    /// `withClient` for a command about one job: every command words an unknown job the same
    /// way (the coordinator's answers differ by request).
    func withJob<T: Sendable>(_ job: Int64, _ body: (inout FarmClient) async throws -> T) async throws -> T {
        do {
            return try await FarmClient.with(host: address.host, port: address.port, token: try token(), body)
        } catch let error as FarmClientError {
            throw Self.jobError(error, job: job)
        }
    }

    /// The one line for a failed request about `job`.
    static func jobError(_ error: FarmClientError, job: Int64) -> CLIError {
        if error.kind == .rejected(code: ErrorMessage.Code.notFound.rawValue) || job < 1 {
            return CLIError("no job \(job) on the coordinator (sdfarm jobs lists the jobs)")
        }
        return CLIError(error.description)
    }

    static func withClient<T: Sendable>(
        _ address: HostPort, token: [UInt8], _ body: (inout FarmClient) async throws -> T
    ) async throws -> T {
        do {
            return try await FarmClient.with(host: address.host, port: address.port, token: token, body)
        } catch let error as FarmClientError {
            throw CLIError(error.description)
        }
    }
}
extension TokenFile {
    static var defaultPath: String {
        ProcessInfo.processInfo.environment["SDFARM_TOKEN_FILE"] ?? "./sdfarm-data/token"
    }

    /// The coordinator's token: read it, or on first start create a random one (mode 600).
    static func readOrCreate(_ path: String) throws -> ([UInt8], created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try read(path), false) }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
            .joined()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw CLIError("cannot create token file \(path): \(String(cString: strerror(errno)))")
        }
        _ = Array((token + "\n").utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return (Array(token.utf8), true)
    }
}
