import ArgumentParser
import Diffusion
import Foundation

/// `sdfarm bench engine`: the full-size SD 1.5 text encoder, U-Net and VAE with random weights
/// built here (nothing downloaded), timed on the shapes a 512² generation uses: the text
/// encoder on a guidance batch (2 × 77 tokens), one U-Net step with guidance (batch 2) per
/// size, a VAE decode. Prints seconds, GFLOP/s and each stage's peak memory, with PyTorch's
/// figures and the ratio beside them when given the JSON of scripts/bench-reference.py.
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Time the SD 1.5 text encoder, U-Net step (256², 512²) and VAE decode with random weights.")

    @Option(help: "U-Net image sizes in pixels (square; latents are size/8), comma-separated.")
    var sizes: String = "256,512"

    @Option(help: "VAE decode image size in pixels (0 skips the VAE).")
    var vaeSize: Int = 512

    @Flag(help: "Skip the text encoder.")
    var skipTextEncoder = false

    @OptionGroup var options: EngineBenchOptions
    var threads: Int { options.threads }
    var repeats: Int { options.repeats }
    var profile: Bool { options.profile }
    var reference: String? { options.reference }

    func validate() throws {
        guard vaeSize == 0 || (vaeSize >= 64 && vaeSize <= 2048 && vaeSize % 8 == 0) else {
            throw ValidationError("--vae-size must be 0 or a multiple of 8 in 64…2048 (got \(vaeSize))")
        }
        _ = try BenchSizes.parse(sizes)
    }

    func run() throws {
        OpenBLASKernels.reexecWithBestKernelsIfNeeded()
        EngineThreads.set(threads)
        let reference = try reference.map(EngineBenchReference.read)
        let perStagePeaks = PeakMemory.reset()
        print(
            "SD 1.5 components with random weights, \(threads) threads, OpenBLAS \(OpenBLASKernels.coreName) kernels"
                + (reference.map { ", against \($0.description)" } ?? ""))
        var rows: [EngineBenchRow] = []

        if !skipTextEncoder {
            rows.append(
                try stage(
                    .textEncoder, reference: reference?.textEncoder,
                    build: { try CLIPTextModel.random(config: .sd15, seed: 1) }
                ) { model, backend in
                    _ = try model([Self.tokenRow(words: 10), Self.tokenRow(words: 0)], backend: backend)
                })
        }
        let unetSizes = try BenchSizes.parse(sizes)
        if !unetSizes.isEmpty {
            PeakMemory.reset()
            let built = Date()
            let unet = try UNet2DConditionModel.randomlyInitialized(config: .stableDiffusion1, seed: 1)
            print(String(format: "U-Net built in %.1f s", Date().timeIntervalSince(built)))
            for size in unetSizes {
                let latent = size / 8
                let sample = BenchMeasurement.randomTensor([2, 4, latent, latent], seed: 2)
                let context = BenchMeasurement.randomTensor([2, 77, 768], seed: 3)
                let measured = try BenchMeasurement.run(repeats: repeats) { backend in
                    _ = try unet.predictNoise(
                        sample: sample, timesteps: [999, 999], context: context, backend: backend)
                }
                rows.append(
                    EngineBenchRow(
                        stage: .unetStep(size: size), measured: measured, peakMiB: PeakMemory.mebibytes(),
                        reference: reference?.unet.first { $0.size == size }))
                if profile { measured.printProfile(title: "U-Net step at \(size)²") }
            }
        }
        if vaeSize > 0 {
            let size = vaeSize
            let latent = BenchMeasurement.randomTensor([1, 4, size / 8, size / 8], seed: 4)
            rows.append(
                try stage(
                    .vaeDecode(size: size), reference: reference?.vae.first { $0.size == size },
                    build: { try AutoencoderKL.random(config: .sd15, seed: 1) }
                ) { vae, backend in
                    _ = try vae.decode(latent, backend: backend)
                })
        }

        print("\n" + EngineBenchRow.header(withReference: reference != nil))
        rows.forEach { print($0.formatted(withReference: reference != nil)) }
        print(
            perStagePeaks
                ? "peak MiB: the process's resident high-water mark during each stage (its weights, activations and the runtime)"
                : "peak MiB: the process's resident high-water mark since it started (this kernel cannot reset it per stage)"
        )
    }

    /// A 77-id row as the tokenizer makes it: start, `words` ids, end, end-padding (a guidance
    /// batch is a prompt and the empty prompt).
    static func tokenRow(words: Int) -> [Int32] {
        let row: [Int32] = [49406] + (0..<Int32(words)).map { 320 + 7 * $0 } + [49407]
        return row + [Int32](repeating: 49407, count: 77 - row.count)
    }

    /// Builds a model with the memory high-water mark started afresh, measures `body` on it,
    /// and drops it before the next stage.
    private func stage<Model>(
        _ stage: EngineBenchStage, reference: EngineBenchReference.Figure?,
        build: () throws -> Model,
        _ body: (Model, any Backend) throws -> Void
    ) throws -> EngineBenchRow {
        PeakMemory.reset()
        let built = Date()
        let model = try build()
        print(String(format: "%@ built in %.1f s", stage.name as NSString, Date().timeIntervalSince(built)))
        let measured = try BenchMeasurement.run(repeats: repeats) { backend in try body(model, backend) }
        if profile { measured.printProfile(title: stage.name) }
        return EngineBenchRow(
            stage: stage, measured: measured, peakMiB: PeakMemory.mebibytes(), reference: reference)
    }
}

/// `--sizes` of the engine benchmarks: square image sides, multiples of 8 in 64…2048.
enum BenchSizes {
    static func parse(_ text: String) throws -> [Int] {
        if text.trimmingCharacters(in: .whitespaces).isEmpty || text == "0" { return [] }
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.allSatisfy({ ($0 ?? 0) >= 64 && ($0 ?? 0) <= 2048 && ($0 ?? 0) % 8 == 0 }) else {
            throw ValidationError(
                "--sizes must be multiples of 8 between 64 and 2048, e.g. 256,512 (got \(text))")
        }
        return values.map { $0! }
    }
}
