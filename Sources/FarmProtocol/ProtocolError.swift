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

    public var description: String {
        switch self {
        case let .frameTooLarge(length, limit): return "frame of \(length) bytes exceeds the limit of \(limit)"
        case let .truncated(field): return "frame ends inside field '\(field)'"
        case let .lengthOverLimit(field, length, limit): return "field '\(field)' declares \(length), limit is \(limit)"
        case let .invalidUTF8(field): return "field '\(field)' is not valid UTF-8"
        case let .unknownMessage(id): return "unknown message id \(id)"
        case let .invalidValue(field, value): return "field '\(field)' has invalid value \(value)"
        case let .trailingBytes(message, count): return "\(count) unread bytes after message '\(message)'"
        case let .badMagic(m): return "bad magic 0x\(String(m, radix: 16)), not an sdfarm peer"
        case let .unsupportedVersion(v): return "unsupported protocol version \(v) (this side speaks \(FarmProtocol.version))"
        case let .outOfOrder(what): return "handshake message out of order: \(what)"
        case let .unknownSetting(name): return "unknown render setting '\(name)': this side knows \(RenderSettings.optionalSettingNames.joined(separator: ", "))"
        case .authenticationFailed: return "authentication failed: the peer does not hold the same token"
        }
    }
}
