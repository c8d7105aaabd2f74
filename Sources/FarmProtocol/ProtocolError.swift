/// Why bytes from the wire were refused (docs/protocol.md).
public enum ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    case frameTooLarge(length: Int, limit: Int)
    case truncated(field: String)
    case lengthOverLimit(field: String, length: Int, limit: Int)
    case invalidUTF8(field: String)
    case unknownMessage(id: UInt16)
    case invalidValue(field: String, value: Int)
    case trailingBytes(message: String, count: Int)
    case badMagic(UInt32)
    case unsupportedVersion(UInt16)
    case authenticationFailed
    case outOfOrder(String)
    case unknownSetting(String)
    case checksumMismatch(messageID: UInt16)

    public var description: String {
        switch self {
        case .frameTooLarge(let length, let limit):
            return "frame of \(length) bytes exceeds the limit of \(limit)"
        case .truncated(let field): return "frame ends inside field '\(field)'"
        case .lengthOverLimit(let field, let length, let limit):
            return "field '\(field)' declares \(length), limit is \(limit)"
        case .invalidUTF8(let field): return "field '\(field)' is not valid UTF-8"
        case .unknownMessage(let id): return "unknown message id \(id)"
        case .invalidValue(let field, let value): return "field '\(field)' has invalid value \(value)"
        case .trailingBytes(let message, let count): return "\(count) unread bytes after message '\(message)'"
        case .badMagic(let m): return "bad magic 0x\(String(m, radix: 16)), not an sdfarm peer"
        case .unsupportedVersion(let v):
            return "unsupported protocol version \(v) (this side speaks \(FarmProtocol.version))"
        case .outOfOrder(let what): return "handshake message out of order: \(what)"
        case .checksumMismatch(let id):
            return "frame of message 0x\(String(id, radix: 16)) fails its checksum: damaged in transit"
        case .unknownSetting(let name):
            return
                "unknown render setting '\(name)': this side knows \(RenderSettings.optionalSettingNames.joined(separator: ", "))"
        case .authenticationFailed: return "authentication failed: the peer does not hold the same token"
        }
    }
}
