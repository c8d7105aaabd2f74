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
        case notFound
    }

    public var kind: Kind
    public var path: String

    /// The `io` operation of a result refused because the disk is below its free-space
    /// reserve (nothing was written).
    public static let reserveOperation = "reserve free space for"

    /// A result refused, unwritten, because the disk under `root` is below its reserve.
    public static func belowReserve(_ root: String) -> ResultStoreError {
        ResultStoreError(.io(operation: reserveOperation, errno: ENOSPC), path: root)
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
