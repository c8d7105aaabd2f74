import ArgumentParser
import Diffusion
import Foundation

/// `sdfarm bench vae`: times a full-size SD 1.5 VAE decode (random weights built in Swift, no
/// download) and shows where the time goes, operation by operation. The PyTorch figure for the
/// same shape comes from `scripts/bench-reference.py --sizes "" --vae-size 512` (`sdfarm bench engine` puts the two
/// side by side).
struct BenchVAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract:
            "Time an SD 1.5 VAE decode (random weights) and print seconds, GFLOP/s and a per-operation table."
    )

    @Option(help: "Image side in pixels (the latent is an eighth of it).")
    var size = 512

    @Option(help: "Threads for OpenBLAS and the engine's kernels.")
    var threads = 2

    @Option(help: "Timed decodes after the profiled warm-up decode; the best is reported.")
    var runs = 2

    func validate() throws {
        guard size >= 8, size % 8 == 0, size <= 4096 else {
            throw ValidationError("--size must be a multiple of 8 in 8…4096")
        }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1…256") }
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be in 1…100") }
    }

    func run() throws {
        OpenBLASKernels.reexecWithBestKernelsIfNeeded()
        EngineThreads.set(threads)
        let buildStart = Date()
        let vae = try AutoencoderKL.random(config: .sd15, seed: 1)
        print(
            "SD 1.5 VAE decoder, random weights (built in \(String(format: "%.1f", Date().timeIntervalSince(buildStart))) s), "
                + "\(threads) threads, OpenBLAS \(OpenBLASKernels.coreName) kernels, latent [1, 4, \(size / 8), \(size / 8)] → image \(size)×\(size)"
        )
        let latent = BenchMeasurement.randomTensor([1, 4, size / 8, size / 8], seed: 4)
        let measured = try BenchMeasurement.run(repeats: runs) { backend in
            _ = try vae.decode(latent, backend: backend)
        }
        print(
            String(
                format: "decode: best %.2f s of %d runs; %.2f TFLOP → %.1f GFLOP/s; peak RSS %d MiB",
                measured.seconds, runs, measured.flops / 1e12, measured.gflopsPerSecond,
                PeakMemory.mebibytes()))
        measured.printProfile(title: "VAE decode at \(size)²")
    }
}
