import NIOCore

/// First frame of every connection, sent by the connecting side (docs/protocol.md, "Handshake"):
/// u32 magic "SDFP", u16 version, u8 role (1 worker, 2 client), 32-byte client nonce.
public struct HandshakeOpen: WireMessage {
    public static let rawID = CommonMessageID.handshakeOpen.rawValue
    /// Body bytes: magic, version, role, nonce.
    public static let bodySize = 4 + 2 + 1 + 32
    public enum Role: UInt8, Sendable { case worker = 1, client = 2 }
    public var version: UInt16
    public var role: Role
    public var clientNonce: [UInt8]

    public init(version: UInt16 = FarmProtocol.version, role: Role, clientNonce: [UInt8]) {
        self.version = version; self.role = role; self.clientNonce = clientNonce
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(FarmProtocol.magic); buffer.writeInteger(version)
        buffer.writeInteger(role.rawValue); buffer.writeBytes(clientNonce)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> HandshakeOpen {
        let magic = try buffer.wireRead(UInt32.self, "magic")
        guard magic == FarmProtocol.magic else { throw ProtocolError.badMagic(magic) }
        let version = try buffer.wireRead(UInt16.self, "version")
        let r = try buffer.wireRead(UInt8.self, "role")
        guard let role = Role(rawValue: r) else {
            throw ProtocolError.invalidValue(field: "role", value: Int(r))
        }
        return HandshakeOpen(
            version: version, role: role, clientNonce: try buffer.wireReadDigest("client nonce"))
    }
}

/// The server's challenge (docs/protocol.md, "Handshake"): u16 version, 32-byte server nonce.
/// It carries no proof: the server proves the token only to a peer that proved it first, so
/// opening a handshake yields nothing to test token guesses against.
public struct HandshakeChallenge: WireMessage {
    public static let rawID = CommonMessageID.handshakeChallenge.rawValue
    /// Body bytes: version, nonce.
    public static let bodySize = 2 + 32
    public var version: UInt16
    public var serverNonce: [UInt8]
    public init(version: UInt16 = FarmProtocol.version, serverNonce: [UInt8]) {
        self.version = version; self.serverNonce = serverNonce
    }
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(version); buffer.writeBytes(serverNonce)
    }
    public static func decode(from buffer: inout ByteBuffer) throws -> HandshakeChallenge {
        HandshakeChallenge(
            version: try buffer.wireRead(UInt16.self, "version"),
            serverNonce: try buffer.wireReadDigest("server nonce"))
    }
}

/// The connecting side's proof (docs/protocol.md, "Handshake"): 32-byte client proof.
public struct HandshakeProof: WireMessage {
    public static let rawID = CommonMessageID.handshakeProof.rawValue
    /// Body bytes: the proof.
    public static let bodySize = 32
    public var clientProof: [UInt8]
    public init(clientProof: [UInt8]) { self.clientProof = clientProof }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeBytes(clientProof) }
    public static func decode(from buffer: inout ByteBuffer) throws -> HandshakeProof {
        HandshakeProof(clientProof: try buffer.wireReadDigest("client proof"))
    }
}

/// The server's proof (docs/protocol.md, "Handshake"): 32-byte server proof, sent only after
/// the connecting side's proof checked out. The connecting side checks it before it sends
/// anything else (mutual authentication).
public struct HandshakeServerProof: WireMessage {
    public static let rawID = CommonMessageID.handshakeServerProof.rawValue
    /// Body bytes: the proof.
    public static let bodySize = 32
    public var serverProof: [UInt8]
    public init(serverProof: [UInt8]) { self.serverProof = serverProof }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeBytes(serverProof) }
    public static func decode(from buffer: inout ByteBuffer) throws -> HandshakeServerProof {
        HandshakeServerProof(serverProof: try buffer.wireReadDigest("server proof"))
    }
}
