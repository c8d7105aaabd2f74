import Synchronization

/// The bytes the engine's own tensors hold (`TensorStorage` allocations; weights borrowed from
/// a memory-mapped checkpoint are not counted), their peak, and an optional limit on it.
///
/// A worker sets the limit from `--max-memory`; `StableDiffusionPipeline.generate` then stops
/// a batch whose tensors went above it with `PipelineError` kind `.outOfMemory` (checked after
/// every U-Net call and after the VAE), and the farm retries it as a smaller batch. The count
/// is of tensors, not of the process: deterministic for a given model, size and batch, and
/// process-wide, so one process should run one generation at a time when a limit is set.
public enum EngineMemory {
    private struct State {
        var live = 0
        var peak = 0
        var limit: Int?
    }
    private static let state = Mutex(State())

    /// The largest number of bytes tensors may hold at once; nil: no limit.
    public static var limit: Int? {
        get { state.withLock { $0.limit } }
        set { state.withLock { $0.limit = newValue } }
    }

    /// Bytes held by tensors now.
    public static var liveBytes: Int { state.withLock { $0.live } }

    /// The most bytes tensors held at once since the last `resetPeak()`.
    public static var peakBytes: Int { state.withLock { $0.peak } }

    /// Starts a new peak from what is held now.
    public static func resetPeak() {
        state.withLock { $0.peak = $0.live }
    }

    static func allocated(_ bytes: Int) {
        state.withLock { s in
            s.live += bytes
            if s.live > s.peak { s.peak = s.live }
        }
    }

    static func released(_ bytes: Int) {
        state.withLock { $0.live -= bytes }
    }

    /// Throws when the peak since the last reset is above the limit; `what` names the work.
    static func check(_ what: @autoclosure () -> String) throws {
        let (peak, limit) = state.withLock { ($0.peak, $0.limit) }
        guard let limit, peak > limit else { return }
        throw PipelineError(
            .outOfMemory,
            "\(what()): the engine's tensors reached \(mebibytes(peak)) MiB, above the limit of \(mebibytes(limit)) MiB"
        )
    }

    static func mebibytes(_ bytes: Int) -> Int { (bytes + (1 << 20) - 1) >> 20 }
}
