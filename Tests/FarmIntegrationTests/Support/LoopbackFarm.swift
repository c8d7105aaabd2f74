import FarmStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

@testable import FarmCoordinator
@testable import FarmWorker
@testable import sdfarm

/// A coordinator serving the (interim) wire protocol on a loopback port, over a `FarmHarness`
/// core; workers and clients connect to it through real sockets.
final class LoopbackFarm: Sendable {
    static let workerToken = Array("worker-token-for-tests-0123456789".utf8)
    static let clientToken = Array("client-token-for-tests-0123456789".utf8)

    let farm: FarmHarness
    let server: ConnectionServer<ByteBuffer, ByteBuffer>
    let serving: Task<Void, any Error>
    let port: Int

    var address: HostPort { HostPort(host: "127.0.0.1", port: port) }

    init(farm: FarmHarness, port: Int = 0) async throws {
        self.farm = farm
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        server = try await ConnectionServer<ByteBuffer, ByteBuffer>.bind(
            host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton, logger: quiet, configure: WireChannel.configure)
        self.port = server.localAddress!.port!
        let session = CoordinatorWireSession(core: farm.core, workerToken: Self.workerToken, clientToken: Self.clientToken, logger: quiet)
        let server = self.server
        serving = Task { try await server.run(shutdownGrace: 2) { try await session.handle($0) } }
    }

    /// Stops like `sdfarm coordinator` on SIGTERM.
    func stop() async {
        await server.shutdown()
        await farm.core.disconnectAll(reason: "test stop")
        _ = await serving.result
    }

    func connector(name: String, maxBatch: Int, token: [UInt8] = LoopbackFarm.workerToken) -> WireWorkerConnector {
        WireWorkerConnector(
            host: "127.0.0.1", port: port, token: token, name: name,
            capabilities: WireCapabilities(device: "cpu", memoryBytes: 1 << 30, threads: 1, maxBatch: maxBatch, models: [farm.model: String(repeating: "0", count: 64)]),
            group: MultiThreadedEventLoopGroup.singleton)
    }

    func client<T: Sendable>(token: [UInt8] = LoopbackFarm.clientToken, _ body: (inout WireClient) async throws -> T) async throws -> T {
        try await WireClient.with(address, token: token, user: "tester", body)
    }

    /// Submits `count` items of the harness's key through the wire.
    func submit(_ count: Int) async throws -> Int64 {
        try await client { conn in
            try await conn.send(.submitBegin(owner: "", priority: 0, settings: "{}"))
            let k = farm.key
            try await conn.send(
                .submitItems(
                    (0..<count).map {
                        WireItem(prompt: "prompt \($0)", negative: "", seed: UInt64(1000 + $0), model: k.model, width: k.width, height: k.height, steps: k.steps, sampler: k.sampler, schedule: k.schedule, cfg: k.cfg)
                    }))
            try await conn.send(.submitEnd)
            guard case .submitted(let job, _, _) = try await conn.reply() else { throw WireError("no submitted reply") }
            return job
        }
    }
}

/// A worker process in miniature: agent + runner over the wire; `kill()` cuts it off for good.
final class LoopbackWorker: Sendable {
    let agent: WorkerAgent
    let running: Task<Void, any Error>
    final class Switch: Sendable {
        let value = Mutex<(killed: Bool, sessions: [WorkerSessionIO])>((false, []))
    }
    private let state = Switch()

    init(farm: LoopbackFarm, name: String, engine: FakeEngine, maxBatch: Int = 2) throws {
        agent = WorkerAgent(engine: engine, outbox: try ResultOutbox(directory: "\(farm.farm.directory)/outbox-\(name)"), maxBatch: maxBatch)
        let connector = farm.connector(name: name, maxBatch: maxBatch)
        let state = self.state
        var runner = WorkerRunner(agent: agent) {
            if state.value.withLock({ $0.killed }) { throw FatalConnectionError("killed") }
            let session = try await connector.connect()
            state.value.withLock { $0.sessions.append(session) }
            return session
        }
        runner.backoff = ReconnectBackoff(base: 0.01, cap: 0.05)
        runner.heartbeatInterval = .milliseconds(50)
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
