import Crypto
import FarmFiles
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One result arriving in chunks: appended to a temporary file while hashing, then checked,
/// fsynced and renamed into the store by `finish`. Owned by one connection at a time.
public final class ResultUpload {
    private let store: ResultStore
    private let kind: ResultStore.Kind
    private let tmpPath: String
    private var fd: Int32
    private var hasher = SHA256()
    public private(set) var size = 0

    init(store: ResultStore, kind: ResultStore.Kind) throws {
        self.store = store
        self.kind = kind
        tmpPath = "\(store.tmpDirectory)/\(UUID().uuidString).\(kind.rawValue)"
        fd = open(tmpPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultStoreError(.io(operation: "create", errno: errno), path: tmpPath) }
    }

    deinit { abort() }

    /// Appends a chunk; refuses (and leaves the upload to be aborted) past the store's limit.
    public func append(_ bytes: [UInt8]) throws {
        guard fd >= 0 else {
            throw ResultStoreError(.io(operation: "write after close", errno: EBADF), path: tmpPath)
        }
        guard size + bytes.count <= store.maxBytes else {
            throw ResultStoreError(.tooLarge(limit: store.maxBytes), path: tmpPath)
        }
        do { try FileWriting.writeAll(fd, bytes) } catch {
            throw ResultStoreError(.io(operation: error.operation, errno: error.errno), path: tmpPath)
        }
        hasher.update(data: bytes)
        size += bytes.count
    }

    /// Checks the digest, makes the file durable and moves it into place.
    public func finish(expectedSHA256 expected: String) throws -> StoredResult {
        let actual = hasher.finalize().hexDigest
        let final = try store.path(sha256: actual, kind: kind)
        guard actual == expected.lowercased() else {
            abort()
            throw ResultStoreError(.checksumMismatch(expected: expected, actual: actual), path: final)
        }
        do { try FileWriting.sync(fd) } catch {
            abort()
            throw ResultStoreError(.io(operation: error.operation, errno: error.errno), path: tmpPath)
        }
        close(fd)
        fd = -1
        let directory = (final as NSString).deletingLastPathComponent
        try ResultStore.makeDirectory(directory)
        guard rename(tmpPath, final) == 0 else {
            let code = errno
            unlink(tmpPath)
            throw ResultStoreError(.io(operation: "rename", errno: code), path: final)
        }
        // The rename is durable only once the directory is.
        do { try FileWriting.syncDirectory(directory) } catch {
            throw ResultStoreError(.io(operation: error.operation, errno: error.errno), path: directory)
        }
        return StoredResult(sha256: actual, size: Int64(size), location: final)
    }

    /// Drops the upload (idempotent).
    public func abort() {
        if fd >= 0 {
            close(fd)
            fd = -1
            unlink(tmpPath)
        }
    }
}
