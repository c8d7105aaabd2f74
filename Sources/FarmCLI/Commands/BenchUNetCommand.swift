import ArgumentParser
import Diffusion
import Foundation

/// `sdfarm bench unet`: one U-Net step of full-size SD 1.5 (random weights built here, no
/// download) with guidance (batch 2: unconditional + conditional, 77-token contexts), per
/// image size; prints seconds and GFLOP/s, PyTorch's figures side by side when given the JSON
/// that scripts/bench-reference.py writes, and with `--profile` the time per kernel.
/// (`sdfarm bench engine` measures the same step together with the text encoder and the VAE.)
struct BenchUNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unet",
        abstract: "Time one SD 1.5 U-Net step with guidance (batch 2) at given image sizes.")

    @Option(help: "Image sizes in pixels (square; latents are size/8), comma-separated.")
    var sizes: String = "256,512"

    @OptionGroup var options: EngineBenchOptions
    var threads: Int { options.threads }
    var repeats: Int { options.repeats }
    var profile: Bool { options.profile }
    var reference: String? { options.reference }

    func validate() throws {
        guard try !BenchSizes.parse(sizes).isEmpty else { throw ValidationError("--sizes names no size") }
    }

    func run() throws {
        OpenBLASKernels.reexecWithBestKernelsIfNeeded()
        EngineThreads.set(threads)
        let references = try reference.map(EngineBenchReference.read)?.unet ?? []
        print("Building the SD 1.5 U-Net with random weights …")
        let buildStart = Date()
        let model = try UNet2DConditionModel.randomlyInitialized(config: .stableDiffusion1, seed: 1)
        print(String(format: "built in %.1f s", Date().timeIntervalSince(buildStart)))
        var rows: [String] = []
        for size in try BenchSizes.parse(sizes) {
            let latent = size / 8
            let sample = BenchMeasurement.randomTensor([2, 4, latent, latent], seed: 2)
            let context = BenchMeasurement.randomTensor([2, 77, 768], seed: 3)
            let measured = try BenchMeasurement.run(repeats: repeats) { backend in
                _ = try model.predictNoise(
                    sample: sample, timesteps: [999, 999], context: context, backend: backend)
            }
            var row = String(
                format: "%5d²  %3d×%-3d  %6.3f  %9.2f  %8.1f", size, latent, latent,
                measured.flops / 1e12, measured.seconds, measured.gflopsPerSecond)
            if let ref = references.first(where: { $0.size == size }) {
                row += String(
                    format: "  %9.2f  %8.1f  %6.2f", ref.seconds, measured.flops / ref.seconds / 1e9,
                    measured.seconds / ref.seconds)
            }
            rows.append(row)
            if profile { measured.printProfile(title: "U-Net step at \(size)²") }
        }
        print(
            "\nU-Net step, SD 1.5 shapes, batch 2 (guidance), OpenBLAS \(OpenBLASKernels.coreName) kernels; "
                + "peak RSS \(PeakMemory.mebibytes()) MiB")
        var header = " size  latent   TFLOP   sdfarm s   GFLOP/s"
        if !references.isEmpty { header += "  PyTorch s   GFLOP/s   ratio (sdfarm/PyTorch)" }
        print(header)
        rows.forEach { print($0) }
    }
}
