import NIOCore

/// Something went wrong (docs/protocol.md, "error"): u16 code, string message (≤ 4 KiB).
/// After a fatal code the sender closes the connection; `badRequest` and `notFound` answer
/// one client request and the connection stays open.
public struct ErrorMessage: WireMessage, Error, CustomStringConvertible {
    public static let rawID = CommonMessageID.error.rawValue
    public enum Code: UInt16, Sendable {
        case protocolViolation = 1, authenticationFailed = 2, unsupportedVersion = 3
        case badRequest = 4, notFound = 5, internalError = 6, shuttingDown = 7, closing = 8
        /// A connection cap, the handshake rate or a lockout after failed handshakes.
        case refused = 9
        /// Whether the sender closes the connection after it.
        public var isFatal: Bool { self != .badRequest && self != .notFound }
    }
    public static let maxMessage = 4096
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        // Cut on a character boundary to the limit, so an error about an error never fails.
        var m = message
        while m.utf8.count > Self.maxMessage { m.removeLast() }
        self.message = m
    }

    public var description: String { message }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(code.rawValue); buffer.wireWriteString(message)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> ErrorMessage {
        let c = try buffer.wireRead(UInt16.self, "code")
        guard let code = Code(rawValue: c) else {
            throw ProtocolError.invalidValue(field: "code", value: Int(c))
        }
        return ErrorMessage(code, try buffer.wireReadString("message", limit: maxMessage))
    }
}
