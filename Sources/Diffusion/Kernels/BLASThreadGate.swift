#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// OpenBLAS's thread count is one process-wide setting, and its sgemm results depend on it in
/// the last bits (it blocks the work differently). The head-parallel attention sets it to 1
/// while its threads run GEMMs side by side; this gate keeps every other sgemm of the process
/// out of that window (a readers–writer lock: GEMMs share it, the attention holds it alone),
/// so a GEMM never runs under a thread count it did not ask for, and results do not depend on
/// what else the process runs at the same time (parallel tests, several models).
final class BLASThreadGate: @unchecked Sendable {
    static let shared = BLASThreadGate()

    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    private init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    /// Runs `body` (an sgemm under the engine's thread count) alongside other GEMMs.
    @inline(__always)
    func reading<R>(_ body: () -> R) -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return body()
    }

    /// Runs `body` with no other gated GEMM in flight; it may change OpenBLAS's thread count
    /// and must restore it before returning.
    func exclusive<R>(_ body: () -> R) -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return body()
    }
}
