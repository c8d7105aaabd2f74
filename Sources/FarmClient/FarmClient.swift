import FarmProtocol
import Foundation
import NIOCore
import NIOPosix

/// The farm's client library (docs/protocol.md, "Client ↔ coordinator"): what the CLI uses
/// to submit, watch, control jobs and fetch results. One connection per `with` call,
/// authenticated before `body` runs and closed after it.
public struct FarmClient {
    var frames: NIOAsyncChannelInboundStream<Frame>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<Frame>
    let address: String
    /// Items sent since the last submit-begin.
    var submitted = 0
    var pendingItems: [SubmitItems.Item] = []
    var pendingBytes = 0

    /// Connects to `host:port`, authenticates with the client token and runs `body`.
    /// Every wait is bounded: `connectTimeout` for the connection and handshake, then the
    /// connection is given up when the coordinator is silent for `idleTimeout` (watches get
    /// a keep-alive every few seconds).
    public static func with<T: Sendable>(
        host: String, port: Int, token: [UInt8],
        connectTimeout: TimeAmount = .seconds(Timeouts.handshake),
        idleTimeout: TimeAmount = .seconds(Timeouts.clientIdle),
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (inout FarmClient) async throws -> T
    ) async throws -> T {
        let address = "\(host):\(port)"
        // Small frames only until the coordinator has proven the token (then the full size).
        let limit = FrameLimit(WireLimits.maxPayloadBeforeServerProof)
        let channel: FrameChannel.Async
        do {
            channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(connectTimeout)
                .connect(host: host, port: port) {
                    FrameChannel.configure($0, idle: idleTimeout, readOnly: true, limit: limit)
                }
        } catch {
            throw FarmClientError(
                .unreachable,
                "cannot reach the coordinator at \(address): \(ConnectErrorText.describe(error))")
        }
        let nio = channel.channel
        let deadline = nio.eventLoop.scheduleTask(in: connectTimeout) { nio.close(promise: nil) }
        return try await channel.executeThenClose { inbound, outbound in
            var client = FarmClient(frames: inbound.makeAsyncIterator(), outbound: outbound, address: address)
            try await client.handshake(token: token, proven: { limit.raise() })
            deadline.cancel()
            return try await body(&client)
        }
    }

    /// Proves the token, then checks the coordinator's proof before anything else is sent.
    private mutating func handshake(token: [UInt8], proven: () -> Void) async throws {
        var machine = ClientHandshake(role: .client, token: token)
        try await write([machine.start().frame()])
        let challenge: HandshakeChallenge
        do {
            let frame = try await nextFrame("the handshake")
            if frame.messageID == ErrorMessage.rawID {
                throw FarmClientError(
                    .refused,
                    "the coordinator at \(address) refused the connection: \(try ErrorMessage.decode(frame: frame).message)"
                )
            }
            challenge = try HandshakeChallenge.decode(frame: frame)
        } catch let e as ProtocolError {
            throw FarmClientError(
                .refused, "the peer at \(address) does not speak the sdfarm protocol (\(e))")
        } catch let e as FarmClientError where e.kind == .connection {
            // Bytes that are not frames (an HTTP server, say) end the connection in the decoder.
            throw FarmClientError(
                .refused,
                "the peer at \(address) does not speak the sdfarm protocol or closed the connection: \(e.description)"
            )
        }
        do {
            try await write([try machine.receive(challenge).frame()])
        } catch ProtocolError.unsupportedVersion(let v) {
            throw FarmClientError(
                .refused,
                "the coordinator at \(address) speaks protocol version \(v); this client speaks \(FarmProtocol.version)"
            )
        }
        let frame = try await nextFrame("the coordinator's proof")
        if frame.messageID == ErrorMessage.rawID {
            let e = try? ErrorMessage.decode(frame: frame)
            if e?.code == .authenticationFailed {
                throw FarmClientError(
                    .refused,
                    "the coordinator at \(address) refused the connection: it does not hold this client token"
                )
            }
            throw FarmClientError(
                .refused,
                "the coordinator at \(address) refused the connection: \(e?.message ?? "an unreadable error frame")"
            )
        }
        do {
            try machine.receive(try HandshakeServerProof.decode(frame: frame))
            proven()
        } catch ProtocolError.authenticationFailed {
            throw FarmClientError(
                .refused,
                "the peer at \(address) could not prove it holds this client token: it is not the coordinator this token belongs to"
            )
        } catch let e as ProtocolError {
            throw FarmClientError(.refused, "the peer at \(address) broke the handshake (\(e))")
        }
        guard case .ready = try await reply() else { throw unexpected("ready") }
    }

    // MARK: - Frames

    func write(_ frames: [Frame]) async throws {
        do {
            try await outbound.write(contentsOf: frames)
        } catch {
            throw FarmClientError(
                .connection, "lost the connection to the coordinator at \(address): \(error)")
        }
    }

    mutating func nextFrame(_ waitingFor: String) async throws -> Frame {
        let frame: Frame?
        do {
            frame = try await frames.next()
        } catch {
            throw FarmClientError(
                .connection,
                "lost the connection to the coordinator at \(address) while waiting for \(waitingFor): \(error)"
            )
        }
        guard let frame else {
            throw FarmClientError(
                .connection,
                "the coordinator at \(address) closed the connection while this client waited for \(waitingFor)"
            )
        }
        return frame
    }

    /// The next message; an error frame becomes a `FarmClientError`.
    mutating func reply(_ waitingFor: String = "a reply") async throws -> ToClient {
        let frame = try await nextFrame(waitingFor)
        let message: ToClient
        do {
            message = try ToClient(frame)
        } catch {
            throw FarmClientError(
                .connection, "the coordinator at \(address) sent a malformed frame: \(error)")
        }
        if case .error(let e) = message {
            switch e.code {
            case .authenticationFailed, .unsupportedVersion:
                throw FarmClientError(
                    .refused, "the coordinator at \(address) refused the connection: \(e.message)")
            case .badRequest, .notFound:
                throw FarmClientError(.rejected(code: e.code.rawValue), e.message)
            default:
                throw FarmClientError(
                    .connection, "the coordinator at \(address) closed the connection: \(e.message)")
            }
        }
        return message
    }

    func unexpected(_ what: String) -> FarmClientError {
        FarmClientError(
            .connection, "the coordinator at \(address) answered with something other than \(what)")
    }
}
