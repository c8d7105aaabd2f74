/// One live connection to the coordinator, as the worker's runner uses it: what arrives, how
/// to send, how to hang up. The transport (the farm protocol over TCP, or a test's in-memory
/// pipe) makes these after a successful handshake.
public struct WorkerSessionIO: Sendable {
    public var incoming: AsyncThrowingStream<CoordinatorMessage, any Error>
    public var link: any CoordinatorLink
    public var close: @Sendable () async -> Void
    /// How often the coordinator asked to hear from us (its welcome), if it said.
    public var heartbeatInterval: Duration?

    public init(
        incoming: AsyncThrowingStream<CoordinatorMessage, any Error>, link: any CoordinatorLink,
        heartbeatInterval: Duration? = nil,
        close: @escaping @Sendable () async -> Void
    ) {
        self.incoming = incoming
        self.link = link
        self.heartbeatInterval = heartbeatInterval
        self.close = close
    }
}

/// A connection attempt that must not be retried (the coordinator refused our token, or
/// speaks another protocol version): the worker exits with this message.
public struct FatalConnectionError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
