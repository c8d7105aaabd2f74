import FarmClient
import FarmProtocol
import FarmStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

@testable import FarmCLI
@testable import FarmCoordinator
@testable import FarmWorker

/// A coordinator serving the farm protocol on a loopback port, over a `FarmHarness` core;
/// workers and clients connect to it through real sockets.
final class LoopbackFarm: Sendable {
    static let workerToken = Array("worker-token-for-tests-0123456789".utf8)
    static let clientToken = Array("client-token-for-tests-0123456789".utf8)

    let farm: FarmHarness
    let server: ConnectionServer<Frame, Frame>
    let serving: Task<Void, any Error>
    let port: Int

    var address: HostPort { HostPort(host: "127.0.0.1", port: port) }

    /// The protocol session (its gate and submit buffers are what the limit tests look at).
    let session: FarmServer

    init(
        farm: FarmHarness, port: Int = 0, heartbeatInterval: Duration = .milliseconds(100),
        limits: ConnectionLimits = ConnectionLimits()
    ) async throws {
        self.farm = farm
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        server = try await FarmServer.bind(
            host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton, logger: quiet)
        self.port = server.localAddress!.port!
        var session = FarmServer(
            core: farm.core, workerToken: Self.workerToken, clientToken: Self.clientToken, logger: quiet,
            limits: limits)
        session.heartbeatInterval = heartbeatInterval
        let handler = session
        self.session = session
        let server = self.server
        serving = Task { try await server.run(shutdownGrace: 2) { try await handler.handle($0) } }
    }

    /// Stops like `sdfarm coordinator` on SIGTERM.
    func stop() async {
        await server.shutdown()
        await farm.core.disconnectAll(reason: "test stop")
        _ = try? await withTimeout(10, "the coordinator to stop") { [serving] in _ = await serving.result }
    }

    func connector(name: String, maxBatch: Int, token: [UInt8] = LoopbackFarm.workerToken)
        -> CoordinatorConnector
    {
        var c = CoordinatorConnector(
            host: "127.0.0.1", port: port, token: token,
            hello: Hello(
                name: name, device: "cpu", memoryBytes: 1 << 30, threads: 1, maxBatch: UInt16(maxBatch),
                models: [.init(name: farm.model, sha256: [UInt8](repeating: 0, count: 32))]),
            group: MultiThreadedEventLoopGroup.singleton)
        c.heartbeatInterval = .milliseconds(100)
        c.progressInterval = 0.01
        c.chunkSize = 7  // small, so results really go out in several chunks
        return c
    }

    func client<T: Sendable>(
        token: [UInt8] = LoopbackFarm.clientToken, _ body: (inout FarmClient) async throws -> T
    ) async throws -> T {
        try await FarmClient.with(
            host: "127.0.0.1", port: port, token: token, idleTimeout: .seconds(30), body)
    }

    /// Submits `count` items of the harness's key through the wire (several chunks when large).
    func submit(_ count: Int) async throws -> Int64 {
        let k = farm.key
        return try await client { conn in
            try await conn.beginSubmit(priority: 0, owner: "tester", settings: "{}")
            for i in 0..<count {
                try await conn.submit(
                    SubmitItems.Item(
                        prompt: "prompt \(i)", negative: "", seed: UInt64(1000 + i),
                        spec: k))
            }
            return try await conn.commit().jobID
        }
    }
}

/// A worker process in miniature: agent + runner over the wire; `kill()` cuts it off for good.
final class LoopbackWorker: Sendable {
    let agent: WorkerAgent
    let running: Task<Void, any Error>
    let connector: CoordinatorConnector
    final class Switch: Sendable {
        let value = Mutex<(killed: Bool, sessions: [WorkerSessionIO])>((false, []))
    }
    private let state = Switch()

    init(farm: LoopbackFarm, name: String, engine: FakeEngine, maxBatch: Int = 2) throws {
        agent = WorkerAgent(
            engine: engine, outbox: try ResultOutbox(directory: "\(farm.farm.directory)/outbox-\(name)"),
            maxBatch: maxBatch)
        let connector = farm.connector(name: name, maxBatch: maxBatch)
        self.connector = connector
        let state = self.state
        var runner = WorkerRunner(agent: agent) {
            if state.value.withLock({ $0.killed }) { throw FatalConnectionError("killed") }
            let session = try await connector.connect()
            state.value.withLock { $0.sessions.append(session) }
            return session
        }
        runner.backoff = ReconnectBackoff(base: 0.01, cap: 0.05)
        runner.heartbeatInterval = .milliseconds(100)
        let r = runner
        running = Task { try await r.run() }
    }

    /// The connection drops and the worker never comes back (SIGKILL, as far as the farm sees).
    func kill() async {
        let sessions = state.value.withLock { s -> [WorkerSessionIO] in
            s.killed = true
            return s.sessions
        }
        for s in sessions { await s.close() }
        running.cancel()
    }
}
