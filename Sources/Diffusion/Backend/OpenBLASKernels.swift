import CBLAS
import Foundation

/// OpenBLAS picks its GEMM kernels for the CPU when the library loads, from the CPU model it
/// knows. Debian's 0.3.21 predates newer CPUs and guesses low: it gives AMD Zen 4/5 the AVX2
/// ("Haswell") kernels although they run AVX-512, and a virtual CPU reported as a generic
/// "Intel Xeon Processor" (Sapphire Rapids flags) the SSE3 ("Prescott") kernels, 4–5× slower
/// for the engine. The choice can only be made through the `OPENBLAS_CORETYPE` environment
/// variable, read before `main`, so the fix is to run the process again with it set to the
/// best family the CPU's flags allow.
public enum OpenBLASKernels {
    /// The kernel family OpenBLAS chose ("Haswell", "SkylakeX", …).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The kernel family to run instead of the one OpenBLAS chose, or nil to keep it: set when
    /// the user did not pick a core type and the CPU's flags allow a wider family.
    public static var preferredCoreType: String? {
        guard getenv("OPENBLAS_CORETYPE") == nil, let flags = cpuFlagsLine() else { return nil }
        return preferredCoreType(
            chosen: coreName, cpuFlags: Set(flags.split(separator: " ").map(String.init)))
    }

    /// The decision behind `preferredCoreType`, for given facts: the widest of SkylakeX
    /// (AVX-512 F/BW/VL) and Haswell (AVX2 + FMA) that the flags allow, if it is wider than
    /// what OpenBLAS chose.
    public static func preferredCoreType(chosen: String, cpuFlags: Set<String>) -> String? {
        let best: String
        if cpuFlags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl"]) {
            best = "SkylakeX"
        } else if cpuFlags.isSuperset(of: ["avx2", "fma"]) {
            best = "Haswell"
        } else {
            return nil
        }
        return vectorRank(best) > vectorRank(chosen) ? best : nil
    }

    /// How wide the kernels of an OpenBLAS core family are: 3 AVX-512, 2 AVX2, 1 AVX, 0 older
    /// or unknown.
    static func vectorRank(_ core: String) -> Int {
        switch core.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return 3
        case "haswell", "zen", "excavator": return 2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": return 1
        default: return 0
        }
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

    /// Re-executes this process with `OPENBLAS_CORETYPE` set to `preferredCoreType` when there
    /// is one; returns (doing nothing) otherwise or if the re-execution fails. Call it first thing
    /// in a command that runs the engine, before any other work. Set `OPENBLAS_CORETYPE`
    /// yourself to choose otherwise.
    public static func reexecWithBestKernelsIfNeeded() {
        guard let core = preferredCoreType else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv only returns on failure: carry on with the kernels we have.
    }
}
