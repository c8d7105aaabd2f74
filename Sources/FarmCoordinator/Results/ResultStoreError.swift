/// A result that could not be stored or read, with the file and the reason.
public struct ResultStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The bytes do not hash to what the worker said.
        case checksumMismatch(expected: String, actual: String)
        /// More bytes than the limit.
        case tooLarge(limit: Int)
        /// Not a lowercase hex SHA-256.
        case badDigest
        /// A file operation failed; `errno` is the system's error number.
        case io(operation: String, errno: Int32)
        /// Refused unwritten: the disk is below the coordinator's free-space reserve.
        case belowReserve
        case notFound
    }

    public var kind: Kind
    public var path: String

    /// A result refused, unwritten, because the disk under `root` is below its reserve.
    public static func belowReserve(_ root: String) -> ResultStoreError {
        ResultStoreError(.belowReserve, path: root)
    }

    /// Whether the coordinator's disk is at fault (full, failing, below its reserve): counted
    /// against nobody, the worker resends later. Otherwise the worker sent a bad result.
    public var isCoordinatorFault: Bool {
        switch kind {
        case .io, .belowReserve: return true
        case .checksumMismatch, .tooLarge, .badDigest, .notFound: return false
        }
    }

    public init(_ kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    public var description: String {
        switch kind {
        case .checksumMismatch(let expected, let actual):
            return "result \(path): sha256 is \(actual), the worker said \(expected)"
        case .tooLarge(let limit):
            return "result \(path): larger than the limit of \(limit) bytes"
        case .badDigest:
            return "result \(path): not a sha256 digest"
        case .io(let operation, let code):
            return "result store \(operation) \(path): \(String(cString: strerror(code)))"
        case .belowReserve:
            return "result store \(path): below its free-space reserve, nothing written"
        case .notFound:
            return "result \(path): not in the result store"
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
