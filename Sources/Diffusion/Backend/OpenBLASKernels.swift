import CBLAS
import Foundation

/// OpenBLAS picks its GEMM kernels for the CPU when the library loads. Debian's 0.3.21
/// predates AMD Zen 4/5 and gives them the AVX2 ("Haswell") kernels although they run
/// AVX-512; its AVX-512 ("SkylakeX") kernels measured 1.6–2× faster for the engine's
/// convolutions on this project's Zen 5 machines. The choice can only be made through the
/// `OPENBLAS_CORETYPE` environment variable, read before `main`, so the fix is to run the
/// process again with it set.
public enum OpenBLASKernels {
    /// The kernel family OpenBLAS chose ("Haswell", "SkylakeX", …).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Whether the CPU runs AVX-512 but OpenBLAS chose AVX2 kernels (and the user did not pick
    /// a core type themselves).
    public static var shouldPreferAVX512: Bool {
        guard getenv("OPENBLAS_CORETYPE") == nil, ["Haswell", "Zen"].contains(coreName) else { return false }
        guard let flags = cpuFlagsLine() else { return false }
        let set = Set(flags.split(separator: " ").map(String.init))
        return set.contains("avx512f") && set.contains("avx512bw") && set.contains("avx512vl")
    }

    /// The first `flags` line of /proc/cpuinfo. (Read line by line: /proc files report size 0,
    /// which makes whole-file readers return nothing.)
    static func cpuFlagsLine() -> String? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            guard let line else { break }
            let text = String(cString: line)
            if text.hasPrefix("flags") { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return nil
    }

    /// Re-executes this process with `OPENBLAS_CORETYPE=SkylakeX` when `shouldPreferAVX512`;
    /// returns (doing nothing) otherwise or if the re-execution fails. Call it first thing in a
    /// command that runs the engine, before any other work. Set `OPENBLAS_CORETYPE` yourself to
    /// choose otherwise.
    public static func reexecWithAVX512IfNeeded() {
        guard shouldPreferAVX512 else { return }
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv only returns on failure: carry on with the kernels we have.
    }
}
