import CBLAS
import Synchronization

/// How many threads the engine uses: for OpenBLAS's sgemm (`openblas_set_num_threads`) and for
/// the vectorised Swift kernels that split their work with `Parallel`. Set it once at start-up
/// (`sdfarm generate --threads N`); the default is the number of active processors.
public enum EngineThreads {
    private static let current = Atomic<Int>(0)

    /// The thread count in force (at least 1).
    public static var count: Int {
        let n = current.load(ordering: .relaxed)
        if n > 0 { return n }
        let initial = max(1, Int(openblas_get_num_threads()))
        current.store(initial, ordering: .relaxed)
        return initial
    }

    /// Sets the thread count for OpenBLAS and the Swift kernels.
    public static func set(_ threads: Int) {
        let n = max(1, threads)
        openblas_set_num_threads(Int32(n))
        current.store(n, ordering: .relaxed)
    }
}
