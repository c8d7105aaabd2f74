#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Measures the free space under a path (the result store's root). Injected through
/// `CoordinatorConfig.freeSpace`, so tests fill and free a disk without a disk.
public protocol FreeSpaceProbe: Sendable {
    /// Bytes an unprivileged process may still write under `path`.
    func freeBytes(at path: String) throws -> Int64
}

/// The real disk, by `statvfs(3)`: available blocks × fragment size.
public struct StatvfsFreeSpace: FreeSpaceProbe {
    public init() {}

    public func freeBytes(at path: String) throws -> Int64 {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else {
            throw ResultStoreError(.io(operation: "statvfs", errno: errno), path: path)
        }
        return Int64(s.f_bavail) * Int64(s.f_frsize)
    }
}
