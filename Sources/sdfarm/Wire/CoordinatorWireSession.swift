import FarmCoordinator
import FarmStore
import Foundation
import Logging
import NIOCore

/// INTERIM WIRE, coordinator side: one connection's handshake, then the worker or client
/// conversation. Errors end this connection only (the `ConnectionServer` catches them).
struct CoordinatorWireSession: Sendable {
    let core: CoordinatorCore
    let workerToken: [UInt8]
    let clientToken: [UInt8]
    let logger: Logger

    func handle(_ channel: WireAsyncChannel) async throws {
        let nioChannel = channel.channel
        try await channel.executeThenClose { inbound, outbound in
            var reader = WireReader(iterator: inbound.makeAsyncIterator())
            guard case .hello(let hello) = try await reader.expect("hello") else {
                try await outbound.send(.refused(reason: "expected hello"))
                throw WireError("peer did not start with hello")
            }
            guard hello.magic == WireHello.magic, hello.version == WireHello.version else {
                try await outbound.send(.refused(reason: "this coordinator speaks \(WireHello.magic) version \(WireHello.version)"))
                throw WireError("peer speaks \(hello.magic) version \(hello.version)")
            }
            guard hello.role == "worker" || hello.role == "client", !hello.name.isEmpty, hello.name.utf8.count <= 128 else {
                try await outbound.send(.refused(reason: "bad role or name"))
                throw WireError("bad role or name")
            }
            let nonce = WireAuth.nonce()
            try await outbound.send(.challenge(nonce: nonce))
            guard case .proof(let mac, let capabilities) = try await reader.expect("proof") else {
                throw WireError("expected proof")
            }
            let token = hello.role == "worker" ? workerToken : clientToken
            guard WireAuth.verify(token: token, nonce: nonce, role: hello.role, name: hello.name, mac: mac) else {
                await core.countRefusedConnection()
                try await outbound.send(.refused(reason: "token refused"))
                logger.warning("refused a \(hello.role) named \(hello.name): wrong token")
                return
            }
            if hello.role == "worker" {
                guard let capabilities else { throw WireError("a worker must announce its capabilities") }
                try await runWorker(name: hello.name, capabilities: capabilities, reader: &reader, outbound: outbound, channel: nioChannel)
            } else {
                try await outbound.send(.welcome(worker: nil))
                try await runClient(user: hello.name, reader: &reader, outbound: outbound)
            }
        }
    }
}
