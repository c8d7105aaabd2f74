/// Why a client command failed, as one line for the user.
public struct FarmClientError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The coordinator could not be reached.
        case unreachable
        /// The handshake failed: wrong token or protocol version.
        case refused
        /// The coordinator answered the request with an error (unknown job, bad submission).
        case rejected(code: UInt16)
        /// The coordinator broke the protocol, closed the connection or fell silent.
        case connection
        /// A downloaded image does not match its digest or declared size.
        case corrupt
    }
    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
