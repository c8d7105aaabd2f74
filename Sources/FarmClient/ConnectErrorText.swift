import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Short words for why a connection could not be made ("connection refused", "timed out"),
/// instead of NIO's nested error dumps.
public enum ConnectErrorText {
    public static func describe(_ error: any Error) -> String {
        if let e = error as? NIOConnectionError {
            if let first = e.connectionErrors.first { return describe(first.error) }
            if let dns = e.dnsAError ?? e.dnsAAAAError { return "cannot resolve \(e.host): \(dns)" }
            return "no address for \(e.host)"
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "timed out" }
        return "\(error)"
    }
}
