import FarmProtocol
import FarmStore
import Foundation
import Logging
import NIOCore

/// The coordinator's side of the farm protocol (docs/protocol.md): per connection, the
/// handshake (the token chosen by the role the peer announces), then the worker or client
/// conversation. A bad peer gets an error frame and a closed connection; the daemon goes on.
public struct FarmServer: Sendable {
    public let core: CoordinatorCore
    let workerToken: [UInt8]
    let clientToken: [UInt8]
    let logger: Logger
    /// What the coordinator asks of workers (told to them in welcome).
    public var heartbeatInterval: Duration = .seconds(5)
    public var handshakeTimeout: TimeAmount = .seconds(Timeouts.handshake)

    public init(core: CoordinatorCore, workerToken: [UInt8], clientToken: [UInt8], logger: Logger) {
        self.core = core
        self.workerToken = workerToken
        self.clientToken = clientToken
        self.logger = logger
    }

    /// A listener whose connections speak the frame codec, closed after `idle` without traffic.
    public static func bind(host: String, port: Int, group: EventLoopGroup, logger: Logger, idle: TimeAmount = .seconds(Timeouts.serverIdle)) async throws
        -> ConnectionServer<Frame, Frame>
    {
        try await ConnectionServer<Frame, Frame>.bind(host: host, port: port, group: group, logger: logger) {
            FrameChannel.configure($0, idle: idle, readOnly: false)
        }
    }

    public func handle(_ connection: FrameChannel.Async) async throws {
        let channel = connection.channel
        // The handshake (and a worker's hello) must be over within the timeout.
        let deadline = channel.eventLoop.scheduleTask(in: handshakeTimeout) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        try await connection.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            let role = try await handshake(&frames, outbound)
            let writer = FrameWriter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await writer.pump(outbound)
                    // The writer ends when the conversation is over or the core closed the link.
                    try? await channel.close()
                }
                var failure: (any Error)?
                do {
                    switch role {
                    case .worker:
                        let session = WorkerSession(core: core, logger: logger, writer: writer, channel: channel, heartbeatInterval: heartbeatInterval)
                        try await session.run(&frames, handshakeDone: { deadline.cancel() })
                    case .client:
                        deadline.cancel()
                        try await ClientSession(core: core, logger: logger, writer: writer).run(&frames)
                    }
                } catch {
                    failure = error
                }
                // Whatever ended the conversation, what is queued (an error frame, say) goes out
                // before the connection closes; the idle limit bounds a peer that stops reading.
                writer.finish()
                try await group.waitForAll()
                if let failure { throw failure }
            }
        }
    }

    private func handshake(_ frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator, _ outbound: NIOAsyncChannelOutboundWriter<Frame>) async throws
        -> HandshakeOpen.Role
    {
        var machine = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
        do {
            guard let first = try await frames.next() else { throw ConnectionEnded("before the handshake") }
            let challenge = try machine.receive(try HandshakeOpen.decode(frame: first))
            try await outbound.write(challenge.frame())
            guard let second = try await frames.next() else {
                // A peer without our token notices our proof is wrong and hangs up here.
                await core.countRefusedConnection()
                throw ConnectionEnded("during the handshake (the peer may hold another token)")
            }
            return try machine.receive(try HandshakeProof.decode(frame: second))
        } catch let error as ProtocolError {
            let code: ErrorMessage.Code
            switch error {
            case .authenticationFailed:
                code = .authenticationFailed
                await core.countRefusedConnection()
            case .unsupportedVersion: code = .unsupportedVersion
            default: code = .protocolViolation
            }
            try? await outbound.write(ErrorMessage(code, "\(error)").frame())
            throw error
        }
    }
}

/// The peer hung up.
struct ConnectionEnded: Error, CustomStringConvertible {
    var description: String
    init(_ when: String) { description = "the peer closed the connection \(when)" }
}
