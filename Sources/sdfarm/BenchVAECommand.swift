import ArgumentParser
import Diffusion
import Dispatch
import Foundation

/// `sdfarm bench vae`: times a full-size SD 1.5 VAE decode (random weights built in Swift, no
/// download) and shows where the time goes, operation by operation. The PyTorch figure for the
/// same shape comes from scripts/bench-vae-reference.py.
struct BenchVAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract: "Time an SD 1.5 VAE decode (random weights) and print seconds, GFLOP/s and a per-operation table.")

    @Option(help: "Image side in pixels (the latent is an eighth of it).")
    var size = 512

    @Option(help: "Threads for OpenBLAS and the engine's kernels.")
    var threads = 2

    @Option(help: "Timed decodes (after one untimed warm-up at the first run's size).")
    var runs = 2

    func validate() throws {
        guard size >= 8, size % 8 == 0, size <= 4096 else { throw ValidationError("--size must be a multiple of 8 in 8…4096") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1…256") }
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be in 1…100") }
    }

    func run() throws {
        OpenBLASKernels.reexecWithAVX512IfNeeded()
        EngineThreads.set(threads)
        let config = AutoencoderKLConfig.sd15
        let buildStart = Date()
        let vae = try AutoencoderKL.random(config: config, seed: 1)
        print("SD 1.5 VAE decoder, random weights (built in \(String(format: "%.1f", Date().timeIntervalSince(buildStart))) s), "
              + "\(threads) threads, OpenBLAS \(OpenBLASKernels.coreName) kernels, latent [1, 4, \(size / 8), \(size / 8)] → image \(size)×\(size)")
        var latent = Tensor(uninitialized: [1, 4, size / 8, size / 8])
        latent.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = Float(sin(Double(i) * 0.37)) } }

        _ = try vae.decode(latent, backend: CPUBackend())  // warm-up: page in weights, size buffers
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try vae.decode(latent, backend: CPUBackend())
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let profiler = ProfilingBackend(CPUBackend())
        _ = try vae.decode(latent, backend: profiler)
        let entries = profiler.entries
        let flops = entries.values.reduce(0) { $0 + $1.flops }
        let best = times.min()!
        print(String(format: "decode: best %.2f s, mean %.2f s over %d runs; %.2f TFLOP → %.1f GFLOP/s",
                     best, times.reduce(0, +) / Double(times.count), runs, flops / 1e12, flops / best / 1e9))
        print("where the time goes (one profiled decode):")
        print("  operation          calls   seconds   share   GFLOP/s")
        let total = entries.values.reduce(0) { $0 + $1.seconds }
        for (op, e) in entries.sorted(by: { $0.value.seconds > $1.value.seconds }) {
            let rate = e.flops > 0 ? String(format: "%9.1f", e.flops / e.seconds / 1e9) : "        -"
            print(String(format: "  %-18@ %5d  %8.2f  %5.1f%%  %@", op as NSString, e.calls, e.seconds, 100 * e.seconds / total, rate))
        }
        print(String(format: "  %-18@ %5@  %8.2f", "total" as NSString, "" as NSString, total))
    }
}
