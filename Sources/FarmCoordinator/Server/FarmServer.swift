import FarmProtocol
import FarmStore
import Foundation
import Logging
import NIOCore

/// The coordinator's side of the farm protocol (docs/protocol.md): per connection, admission
/// (connection caps and handshake rate per address), the handshake (the token chosen by the
/// role the peer announces; the peer proves first), then the worker or client conversation.
/// A bad peer gets an error frame and a closed connection; the daemon goes on.
public struct FarmServer: Sendable {
    public let core: CoordinatorCore
    let workerToken: [UInt8]
    let clientToken: [UInt8]
    let logger: Logger
    /// What the coordinator asks of workers (told to them in welcome).
    public var heartbeatInterval: Duration = .seconds(5)
    public var handshakeTimeout: TimeAmount = .seconds(Timeouts.handshake)
    /// Connection caps, handshake rate and failure accounting per address.
    public let gate: PeerGate
    /// Uncommitted submissions held by client connections.
    public let submitBuffers: SubmitBuffers

    public init(
        core: CoordinatorCore, workerToken: [UInt8], clientToken: [UInt8], logger: Logger,
        limits: ConnectionLimits = ConnectionLimits()
    ) {
        self.core = core
        self.workerToken = workerToken
        self.clientToken = clientToken
        self.logger = logger
        gate = PeerGate(limits)
        submitBuffers = SubmitBuffers(
            perConnection: limits.maxBufferedSubmitBytes, allConnections: limits.maxBufferedSubmitBytesTotal)
    }

    /// A listener whose connections speak the frame codec, closed after `idle` without traffic.
    /// Each connection's frames are limited to the handshake's size until `handle` raises the
    /// limit after authentication.
    public static func bind(
        host: String, port: Int, group: EventLoopGroup, logger: Logger,
        idle: TimeAmount = .seconds(Timeouts.serverIdle)
    ) async throws
        -> ConnectionServer<Frame, Frame>
    {
        try await ConnectionServer<Frame, Frame>.bind(host: host, port: port, group: group, logger: logger) {
            FrameChannel.configure($0, idle: idle, readOnly: false, limit: .beforeAuthentication())
        }
    }

    public func handle(_ connection: FrameChannel.Async) async throws {
        let channel = connection.channel
        let address = Self.address(of: channel)
        if case .refuse(let why) = gate.connect(address) {
            try await connection.executeThenClose { _, outbound in
                try? await outbound.write(ErrorMessage(.refused, why).frame())
            }
            return
        }
        defer { gate.closed(address) }
        // The handshake (and a worker's hello) must be over within the timeout.
        let deadline = channel.eventLoop.scheduleTask(in: handshakeTimeout) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        let limit = await FrameChannel.frameLimit(of: channel)
        try await connection.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            let role = try await handshake(
                &frames, outbound, address: address, authenticated: { limit?.raise() })
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
                        let session = WorkerSession(
                            core: core, logger: logger, writer: writer, channel: channel,
                            heartbeatInterval: heartbeatInterval)
                        try await session.run(&frames, handshakeDone: { deadline.cancel() })
                    case .client:
                        deadline.cancel()
                        try await ClientSession(
                            core: core, logger: logger, writer: writer, buffers: submitBuffers
                        ).run(&frames)
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

    /// Runs the handshake; the peer proves the token before the coordinator proves it back.
    /// A failure is counted against the peer's address and answered only after a delay that
    /// grows with the address's failures.
    private func handshake(
        _ frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator,
        _ outbound: NIOAsyncChannelOutboundWriter<Frame>,
        address: String, authenticated: () -> Void
    ) async throws -> HandshakeOpen.Role {
        var machine = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
        do {
            guard let first = try await frames.next() else { throw ConnectionEnded("before the handshake") }
            let challenge = try machine.receive(try HandshakeOpen.decode(frame: first))
            try await outbound.write(challenge.frame())
            guard let second = try await frames.next() else { throw ConnectionEnded("during the handshake") }
            let proof = try HandshakeProof.decode(frame: second)
            if let wait = gate.lockedOut(address) {
                // Locked out while this handshake ran: the proof is not even checked.
                throw Refused(
                    "too many failed handshakes from \(address); refused for \(PeerAdmission.seconds(wait)) more s"
                )
            }
            let (role, reply) = try machine.receive(proof)
            // Larger frames only now; the peer sends nothing more before it has our proof.
            authenticated()
            try await outbound.write(reply.frame())
            return role
        } catch let error as ProtocolError {
            let code: ErrorMessage.Code
            switch error {
            case .authenticationFailed:
                code = .authenticationFailed
                await core.countRefusedConnection()
            case .unsupportedVersion: code = .unsupportedVersion
            default: code = .protocolViolation
            }
            let (delay, lockedOut) = gate.failed(address)
            if lockedOut {
                logger.warning(
                    "refusing \(address) for \(PeerAdmission.seconds(gate.limits.lockout)) s after \(gate.limits.failuresBeforeLockout) failed handshakes",
                    metadata: ["last": "\(error)"])
            }
            try await Task.sleep(for: delay)
            try? await outbound.write(ErrorMessage(code, "\(error)").frame())
            throw error
        } catch let refused as Refused {
            try? await outbound.write(ErrorMessage(.refused, refused.description).frame())
            throw refused
        }
    }

    /// The peer's IP address (all its ports are one address), or its description.
    static func address(of channel: Channel) -> String {
        guard let remote = channel.remoteAddress else { return "?" }
        return remote.ipAddress ?? "\(remote)"
    }
}

/// The peer hung up.
struct ConnectionEnded: Error, CustomStringConvertible {
    var description: String
    init(_ when: String) { description = "the peer closed the connection \(when)" }
}

/// The coordinator refused the peer (caps, rate, lockout).
struct Refused: Error, CustomStringConvertible {
    var description: String
    init(_ why: String) { description = why }
}
