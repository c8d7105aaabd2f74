import ArgumentParser

/// `HOST:PORT` as the commands take it (`[::1]:7878` for IPv6).
struct HostPort: ExpressibleByArgument, Equatable, CustomStringConvertible {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        let hostPart: Substring
        let portPart: Substring
        if argument.hasPrefix("["), let close = argument.firstIndex(of: "]") {
            hostPart = argument[argument.index(after: argument.startIndex)..<close]
            let rest = argument[argument.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = argument.lastIndex(of: ":") else { return nil }
            hostPart = argument[..<colon]
            portPart = argument[argument.index(after: colon)...]
        }
        guard !hostPart.isEmpty, let port = Int(portPart), (0...65535).contains(port) else { return nil }
        host = String(hostPart)
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    static let defaultCoordinator = HostPort(host: "127.0.0.1", port: 7878)
}
