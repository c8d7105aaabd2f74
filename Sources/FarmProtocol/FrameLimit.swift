import NIOCore
import Synchronization

/// The largest frame payload one connection's decoder accepts now (docs/protocol.md,
/// "Limits"). A server starts each connection at the handshake's size and raises it once the
/// peer has proven the token, so a peer that has not proven anything makes the coordinator
/// buffer no more than a handshake frame.
public final class FrameLimit: Sendable {
    private let current: Atomic<Int>

    public init(_ maxPayload: Int) { current = Atomic(maxPayload) }

    /// A limit that starts at the handshake's size.
    public static func beforeAuthentication() -> FrameLimit { FrameLimit(WireLimits.maxHandshakePayload) }

    public var maxPayload: Int { current.load(ordering: .acquiring) }

    /// Raises the limit (after authentication, to the full frame limit).
    public func raise(to maxPayload: Int = WireLimits.maxFramePayload) {
        current.store(maxPayload, ordering: .releasing)
    }
}

/// Carries a connection's `FrameLimit` in its pipeline, so the code that runs the handshake
/// can find it (`FrameChannel.frameLimit(of:)`). Passes everything through.
final class FrameLimitHolder: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    let limit: FrameLimit
    init(_ limit: FrameLimit) { self.limit = limit }
}
