import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finished images and latents, content-addressed under the data directory:
///
///     DATA/results/ab/abcdef….png        (named by the SHA-256 of the bytes)
///     DATA/results/ab/abcdef….latents
///     DATA/results/tmp/                  (uploads in progress)
///
/// A result is written to a temporary file, checked against the worker's SHA-256, fsynced
/// and renamed into place (then the directory is fsynced) — only after that does the
/// coordinator record it in the job store and acknowledge it to the worker. A crash at any
/// point leaves either no result (the worker still has it in its outbox) or a whole one.
public struct ResultStore: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case png, latents
    }

    public let root: String
    /// The largest result accepted.
    public let maxBytes: Int

    /// Opens (creating if needed) the result store under `dataDirectory`, and removes uploads
    /// a crash left behind.
    public init(dataDirectory: String, maxBytes: Int = 64 << 20) throws {
        root = (dataDirectory as NSString).appendingPathComponent("results")
        self.maxBytes = maxBytes
        try Self.makeDirectory(root)
        try Self.makeDirectory(tmpDirectory)
        if let leftovers = try? FileManager.default.contentsOfDirectory(atPath: tmpDirectory) {
            for name in leftovers { unlink("\(tmpDirectory)/\(name)") }
        }
    }

    var tmpDirectory: String { "\(root)/tmp" }

    /// Where a result with this digest lives (whether or not it is there).
    public func path(sha256: String, kind: Kind) throws -> String {
        guard Self.isDigest(sha256) else { throw ResultStoreError(.badDigest, path: sha256) }
        let prefix = sha256.prefix(2)
        return "\(root)/\(prefix)/\(sha256).\(kind.rawValue)"
    }

    public func contains(sha256: String, kind: Kind) -> Bool {
        guard let path = try? path(sha256: sha256, kind: kind) else { return false }
        return access(path, F_OK) == 0
    }

    /// Starts an upload that arrives in chunks.
    public func beginUpload(kind: Kind) throws -> ResultUpload {
        try ResultUpload(store: self, kind: kind)
    }

    /// Stores whole bytes; returns the stored result. Storing bytes already there is a no-op.
    @discardableResult
    public func put(_ bytes: [UInt8], sha256 expected: String, kind: Kind) throws -> StoredResult {
        let upload = try beginUpload(kind: kind)
        do {
            try upload.append(bytes)
            return try upload.finish(expectedSHA256: expected)
        } catch {
            upload.abort()
            throw error
        }
    }

    /// Reads a stored result back, checking it still hashes to its name.
    public func read(sha256: String, kind: Kind) throws -> [UInt8] {
        let path = try path(sha256: sha256, kind: kind)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ResultStoreError(.notFound, path: path)
        }
        let actual = SHA256.hash(data: data).hexDigest
        guard actual == sha256 else {
            throw ResultStoreError(.checksumMismatch(expected: sha256, actual: actual), path: path)
        }
        return [UInt8](data)
    }

    static func isDigest(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ResultStoreError(.io(operation: "mkdir", errno: errno == 0 ? EIO : errno), path: path)
        }
    }
}

/// A result written into the store.
public struct StoredResult: Sendable, Equatable {
    public var sha256: String
    public var size: Int64
    /// The file's path.
    public var location: String
}

extension SHA256.Digest {
    /// Lowercase hex.
    var hexDigest: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
