import ArgumentParser
import FarmCoordinator

/// `sdfarm coordinator`'s limits on what peers may hold (docs/protocol.md, "Limits before
/// authentication"); unset flags keep `ConnectionLimits`' defaults.
struct ConnectionLimitOptions: ParsableArguments {
    @Option(name: .customLong("max-connections"), help: "Most open connections in all (default 1024).")
    var maxConnections: Int?
    @Option(
        name: .customLong("max-connections-per-address"),
        help: "Most open connections from one IP address (default 64).")
    var maxConnectionsPerAddress: Int?
    @Option(
        name: .customLong("handshakes-per-second"),
        help: "New connections one IP address may open per second after a burst of 64 (default 8).")
    var handshakesPerSecond: Double?
    @Option(
        name: .customLong("max-buffered-submit-mib"),
        help: "Most MiB of items one connection may hold before it commits its job (default 256).")
    var maxBufferedSubmitMiB: Int?

    func validate() throws {
        if let n = maxConnections, !(1...1_000_000).contains(n) {
            throw ValidationError("--max-connections must be 1…1000000, not \(n)")
        }
        if let n = maxConnectionsPerAddress, !(1...1_000_000).contains(n) {
            throw ValidationError("--max-connections-per-address must be 1…1000000, not \(n)")
        }
        if let r = handshakesPerSecond, !(r > 0 && r <= 1_000_000) {
            throw ValidationError("--handshakes-per-second must be above 0 and at most 1000000, not \(r)")
        }
        if let n = maxBufferedSubmitMiB, !(1...65536).contains(n) {
            throw ValidationError("--max-buffered-submit-mib must be 1…65536, not \(n)")
        }
    }

    func apply(to limits: ConnectionLimits) -> ConnectionLimits {
        var l = limits
        if let n = maxConnections { l.maxConnections = n }
        if let n = maxConnectionsPerAddress { l.maxConnectionsPerAddress = n }
        if let r = handshakesPerSecond { l.handshakesPerSecond = r }
        if let n = maxBufferedSubmitMiB {
            l.maxBufferedSubmitBytes = n << 20
            l.maxBufferedSubmitBytesTotal = max(l.maxBufferedSubmitBytesTotal, l.maxBufferedSubmitBytes)
        }
        return l
    }
}
