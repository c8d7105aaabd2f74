#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Plain file writes that the coordinator's result store and the worker's outbox share:
/// every byte written (short writes continued, EINTR retried) and flushed to disk.
public enum FileWriting {
    /// Writes all of `bytes` to `fd`.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(FileWriteError) {
        let failed: Int32? = bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let failed { throw FileWriteError(operation: "write", errno: failed) }
    }

    /// Makes the entries of directory `path` (a rename into it) durable.
    public static func syncDirectory(_ path: String) throws(FileWriteError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileWriteError(operation: "open directory", errno: errno) }
        defer { close(fd) }
        try sync(fd)
    }

    /// Flushes `fd`'s data and metadata to the disk.
    public static func sync(_ fd: Int32) throws(FileWriteError) {
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            throw FileWriteError(operation: "fsync", errno: errno)
        }
    }
}

/// A write or flush the system refused: which call, and its errno.
public struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32

    public init(operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(operation): \(String(cString: strerror(errno)))" }
}
