/// The default waits of the farm's connections (docs/protocol.md, "Timeouts"). Every wait
/// on the network is bounded by one of these.
public enum Timeouts {
    /// Connecting, and the whole handshake.
    public static let handshake: Int64 = 10
    /// A coordinator closes a connection that neither sent nor received for this long.
    public static let serverIdle: Int64 = 120
    /// A client gives up on a coordinator silent for this long (watch keep-alives come every
    /// `watchKeepAlive`).
    public static let clientIdle: Int64 = 120
    /// Seconds between watch-job frames while nothing else happens.
    public static let watchKeepAlive: Int64 = 5
}
