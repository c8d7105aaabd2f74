import FarmProtocol
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// The worker's side of the farm protocol (docs/protocol.md): connects, proves the token,
/// sends hello, waits for welcome, then turns frames into `CoordinatorMessage`s and the
/// agent's reports into frames. A refused token or another protocol version is fatal (no
/// retry); anything else is retried by the runner with backoff. Every wait is bounded: the
/// connect and handshake by `handshakeTimeout`, then the connection closes when the
/// coordinator is silent for three heartbeat intervals (it answers every heartbeat).
public struct CoordinatorConnector: Sendable {
    public let host: String
    public let port: Int
    public let token: [UInt8]
    public let hello: Hello
    public let group: EventLoopGroup
    public var heartbeatInterval: Duration = .seconds(5)
    public var handshakeTimeout: TimeAmount = .seconds(Timeouts.handshake)
    /// Progress frames at most this often (seconds).
    public var progressInterval: Double = 0.25
    /// Result chunk size (bytes).
    public var chunkSize = 256 * 1024
    /// Progress values replaced before they were sent, over every connection (shared).
    public let progressDropped = ProgressDropCounter()

    public init(host: String, port: Int, token: [UInt8], hello: Hello, group: EventLoopGroup) {
        self.host = host
        self.port = port
        self.token = token
        self.hello = hello
        self.group = group
    }

    /// How long the connection may hear nothing before it is given up.
    var idleLimit: TimeAmount {
        let c = heartbeatInterval.components
        let ms = c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
        return .milliseconds(max(3 * ms, 5000))
    }

    public func connect() async throws -> WorkerSessionIO {
        let idle = idleLimit
        // Small frames only until the coordinator has proven the token (then the full size).
        let limit = FrameLimit(WireLimits.maxPayloadBeforeServerProof)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(handshakeTimeout)
            .connect(host: host, port: port) {
                FrameChannel.configure($0, idle: idle, readOnly: true, limit: limit)
            }
        let nio = channel.channel
        let deadline = nio.eventLoop.scheduleTask(in: handshakeTimeout) { nio.close(promise: nil) }
        let (incoming, incomingSink) = AsyncThrowingStream.makeStream(of: CoordinatorMessage.self)
        let (handshakeResult, handshakeSink) = AsyncThrowingStream.makeStream(of: Welcome.self)
        let writer = FrameWriter()
        let token = self.token, hello = self.hello

        Task {
            do {
                try await channel.executeThenClose { inbound, outbound in
                    var frames = inbound.makeAsyncIterator()
                    let welcome = try await Self.handshake(
                        &frames, outbound, token: token, hello: hello, proven: { limit.raise() })
                    deadline.cancel()
                    handshakeSink.yield(welcome)
                    handshakeSink.finish()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { await writer.pump(outbound) }
                        defer { writer.finish() }
                        while let frame = try await frames.next() {
                            if let message = try Self.map(try ToWorker(frame)) { incomingSink.yield(message) }
                        }
                        writer.finish()
                        try await group.waitForAll()
                    }
                    incomingSink.finish()
                }
            } catch {
                handshakeSink.finish(throwing: error)
                incomingSink.finish(throwing: error)
            }
            writer.finish()
        }
        // The handshake's outcome.
        var welcome: Welcome?
        for try await w in handshakeResult { welcome = w }
        guard let welcome else {
            throw ConnectionClosed("the coordinator closed the connection during the handshake")
        }
        let link = FrameCoordinatorLink(
            writer: writer,
            throttle: ProgressSender(interval: progressInterval, writer: writer, dropped: progressDropped),
            chunkSize: chunkSize)
        // Not below 100 ms, whatever the coordinator says.
        let asked: Duration = .milliseconds(max(100, Int(welcome.heartbeatIntervalMS)))
        return WorkerSessionIO(
            incoming: incoming, link: link, heartbeatInterval: asked,
            close: {
                writer.finish()
                try? await nio.close()
            })
    }

    /// Proves the token, checks the coordinator's proof, then sends hello: nothing about this
    /// worker goes to a peer that could not prove the token.
    static func handshake(
        _ frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator,
        _ outbound: NIOAsyncChannelOutboundWriter<Frame>, token: [UInt8], hello: Hello,
        proven: () -> Void = {}
    ) async throws -> Welcome {
        var machine = ClientHandshake(role: .worker, token: token)
        try await outbound.write(machine.start().frame())
        let challenge = try await next(&frames, "challenge")
        do {
            try await outbound.write(
                try machine.receive(try HandshakeChallenge.decode(frame: challenge)).frame())
            let serverProof = try await next(&frames, "coordinator's proof")
            try machine.receive(try HandshakeServerProof.decode(frame: serverProof))
            proven()
        } catch ProtocolError.authenticationFailed {
            throw FatalConnectionError(
                "the peer at the coordinator's address could not prove it holds this worker's token: it is not the coordinator this token belongs to"
            )
        } catch ProtocolError.unsupportedVersion(let v) {
            throw FatalConnectionError(
                "the coordinator speaks protocol version \(v); this worker speaks \(FarmProtocol.version)")
        }
        try await outbound.write(hello.frame())
        let reply = try await next(&frames, "welcome")
        return try Welcome.decode(frame: reply)
    }

    /// The next frame; an error frame becomes an error (fatal for a refused token or version).
    static func next(_ frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator, _ what: String)
        async throws -> Frame
    {
        guard let frame = try await frames.next() else {
            throw ConnectionClosed(
                "the coordinator closed the connection while this worker waited for its \(what)")
        }
        if frame.messageID == ErrorMessage.rawID {
            let e = try ErrorMessage.decode(frame: frame)
            switch e.code {
            case .authenticationFailed, .unsupportedVersion:
                throw FatalConnectionError("the coordinator refused this worker: \(e.message)")
            default: throw ConnectionClosed("the coordinator refused this worker: \(e.message)")
            }
        }
        return frame
    }

    static func map(_ message: ToWorker) throws -> CoordinatorMessage? {
        switch message {
        case .assign(let a):
            return .assign(
                WorkBatch(
                    settings: a.spec,
                    leaseTTL: Double(a.leaseTTLMS) / 1000,
                    items: a.items.map {
                        WorkBatch.Item(
                            claim: ClaimRef(item: $0.itemID, fence: $0.fence), job: $0.jobID, index: $0.index,
                            prompt: $0.prompt, negativePrompt: $0.negative, seed: $0.seed)
                    }))
        case .resultAck(let a):
            switch a.status {
            case .stored: return .resultAccepted(item: a.itemID, fence: a.fence)
            case .retryLater(let ms, let reason):
                return .resultRetryLater(
                    item: a.itemID, fence: a.fence, after: Double(ms) / 1000, reason: reason)
            }
        case .resultRefused(let r): return .resultRefused(item: r.itemID, fence: r.fence, reason: r.reason)
        case .cancel(let c): return .cancel([ClaimRef(item: c.itemID, fence: c.fence)])
        case .drain: return .drain
        case .heartbeatAck: return nil
        case .welcome: throw ProtocolError.outOfOrder("a second welcome")
        case .error(let e): throw ConnectionClosed("the coordinator closed the connection: \(e.message)")
        }
    }
}

/// The connection ended or was refused in a way a retry may fix.
public struct ConnectionClosed: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Counts progress values dropped by the throttle (for tests and logs).
public final class ProgressDropCounter: Sendable {
    private let value = Mutex(0)
    public init() {}
    public var count: Int { value.withLock { $0 } }
    func add(_ n: Int) { value.withLock { $0 += n } }
}
