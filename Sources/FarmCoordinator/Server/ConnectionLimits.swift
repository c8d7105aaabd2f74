/// What one peer may hold of the coordinator before and after it authenticates (docs/protocol.md,
/// "Limits before authentication"), with the defaults `sdfarm coordinator` uses. Addresses are
/// compared as IP addresses (every port of one host is one address).
public struct ConnectionLimits: Sendable, Equatable {
    /// Open connections in all, authenticated or not.
    public var maxConnections = 1024
    /// Open connections from one address.
    public var maxConnectionsPerAddress = 64
    /// New connections (handshakes) one address may open in a burst …
    public var handshakeBurst = 64
    /// … and per second after that (a token bucket).
    public var handshakesPerSecond = 8.0
    /// Delay before answering the first failed handshake from an address; it doubles with each
    /// further failure up to `maxFailureDelay`.
    public var failureDelay: Duration = .milliseconds(250)
    public var maxFailureDelay: Duration = .seconds(5)
    /// After this many failed handshakes an address is refused for `lockout`.
    public var failuresBeforeLockout = 10
    public var lockout: Duration = .seconds(300)
    /// An address's failures are forgotten after this long without a new one.
    public var failureMemory: Duration = .seconds(900)
    /// Bytes of uncommitted submission one connection may hold (items between submit-begin and
    /// submit-commit) …
    public var maxBufferedSubmitBytes = 256 * 1024 * 1024
    /// … and all connections together.
    public var maxBufferedSubmitBytesTotal = 1024 * 1024 * 1024

    public init() {}
}
