import Foundation
import NIOCore
import NIOPosix

/// INTERIM WIRE, client side: one connection for one command.
struct WireClient {
    var reader: WireReader
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Connects, authenticates and runs `body`; errors are one clear line.
    static func with<T: Sendable>(
        _ address: HostPort, token: [UInt8], user: String = ProcessInfo.processInfo.environment["USER"] ?? "sdfarm",
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton, _ body: (inout WireClient) async throws -> T
    ) async throws -> T {
        let channel: WireAsyncChannel
        do {
            channel = try await WireChannel.connect(host: address.host, port: address.port, group: group)
        } catch {
            throw CLIError("cannot reach the coordinator at \(address): \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            var client = WireClient(reader: WireReader(iterator: inbound.makeAsyncIterator()), outbound: outbound)
            try await outbound.send(.hello(WireHello(magic: WireHello.magic, version: WireHello.version, role: "client", name: user)))
            guard case .challenge(let nonce) = try await client.reader.expect("challenge") else { throw CLIError("the coordinator at \(address) did not answer the handshake") }
            try await outbound.send(.proof(mac: WireAuth.mac(token: token, nonce: nonce, role: "client", name: user), capabilities: nil))
            switch try await client.reader.expect("welcome") {
            case .welcome: break
            case .refused(let reason): throw CLIError("the coordinator at \(address) refused the connection: \(reason)")
            default: throw CLIError("the coordinator at \(address) answered the handshake with something unexpected")
            }
            return try await body(&client)
        }
    }

    func send(_ message: WireMessage) async throws {
        try await outbound.send(message)
    }

    /// The next reply; an `.error` reply becomes a `CLIError`.
    mutating func reply() async throws -> WireMessage {
        let message = try await reader.expect("a reply")
        if case .error(let text) = message { throw CLIError(text) }
        return message
    }
}
