import Diffusion
import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One timed engine operation: a profiled warm-up call (which counts the FLOPs and says where
/// the time goes), then `repeats` plain calls of which the best is kept. Used by the
/// `sdfarm bench` engine commands so that they all measure the same way.
struct BenchMeasurement {
    let seconds: Double
    let flops: Double
    /// Per operation, slowest first, from the profiled warm-up call.
    let profile: [(label: String, entry: ProfilingBackend.Entry)]

    var gflopsPerSecond: Double { flops / seconds / 1e9 }

    static func run(repeats: Int, _ body: (any Backend) throws -> Void) rethrows -> BenchMeasurement {
        let backend = CPUBackend()
        let profiler = ProfilingBackend(backend)
        try body(profiler)
        let profile = profiler.entries.sorted { $0.value.seconds > $1.value.seconds }.map {
            (label: $0.key, entry: $0.value)
        }
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body(backend)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return BenchMeasurement(
            seconds: best, flops: profile.reduce(0) { $0 + $1.entry.flops }, profile: profile)
    }

    /// The per-operation table of the profiled call.
    func printProfile(title: String) {
        let total = profile.reduce(0) { $0 + $1.entry.seconds }
        print(
            "\nWhere the time goes, \(title) (profiled warm-up call, \(String(format: "%.2f", total)) s in operations):"
        )
        print("  operation              calls   seconds   share   GFLOP   GFLOP/s")
        for (label, e) in profile {
            let rate = e.flops > 0 ? String(format: "%7.1f", e.flops / e.seconds / 1e9) : "      –"
            print(
                "  " + label.padding(toLength: 21, withPad: " ", startingAt: 0)
                    + String(
                        format: " %6d  %8.3f  %5.1f%%  %6.1f  ", e.calls, e.seconds,
                        100 * e.seconds / max(total, 1e-9), e.flops / 1e9) + rate)
        }
    }

    /// Deterministic values in [-1, 1) for inputs (the numbers do not matter, only the shapes).
    static func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
        var state = seed
        let n = shape.reduce(1, *)
        return Tensor(
            shape: shape,
            values: (0..<n).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(state >> 40) / Float(1 << 24) * 2 - 1
            })
    }
}

/// The process's resident-memory high-water mark, and a way to start it again from the
/// current resident size so that each benchmark stage reports its own peak (Linux:
/// `/proc/self/clear_refs` value 5, `VmHWM` in `/proc/self/status`).
enum PeakMemory {
    /// Peak resident memory in MiB since the start or the last `reset()`.
    static func mebibytes() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        {
            return kib / 1024
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss / 1024  // kilobytes on Linux; never reset
    }

    /// Starts the high-water mark again from the current resident size; false where the
    /// kernel does not allow it (the figures are then peaks since the process started).
    @discardableResult
    static func reset() -> Bool {
        FileManager.default.isWritableFile(atPath: "/proc/self/clear_refs")
            && (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }
}
