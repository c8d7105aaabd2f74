import ArgumentParser
import Diffusion
import FarmProtocol
import Foundation

/// `sdfarm generate`: txt2img on this machine, one U-Net batch, PNGs with their parameters.
/// A stable interface (issue 4): scripts and the farm's tests call it.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Make images from a prompt on this machine (PNG with A1111-style parameters).",
        discussion: """
            With --batch N > 1 the images are FILE-0.png … FILE-(N−1).png, image i seeded with \
            seed + i (each can be re-made alone with --seed seed+i). Files appear only when every \
            image is done; a failure leaves none.

            Without --model, the bundled model is used: $SDFARM_MODEL, else models/sdfarm-shapes \
            under the current folder, else under a parent of the executable's folder, else \
            /usr/local/share/sdfarm/models/sdfarm-shapes.
            """)

    @Option(
        help:
            "A diffusers model folder or a single .safetensors checkpoint (default: the bundled model, see below)."
    )
    var model: String?

    @Option(help: "The prompt.")
    var prompt: String

    @Option(help: "The negative prompt (default: none; the empty prompt is encoded).")
    var negative: String = ""

    @Option(
        parsing: .unconditional,
        help: "Seed of the first image, 0 to 2^64-1 (default: random, printed). Image i uses seed + i.",
        transform: SeedArgument.parse)
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Sampling steps.")
    var steps: Int = 25

    @Option(
        parsing: .unconditional,
        help:
            "Classifier-free guidance scale, 0 to 50; 1 or less turns guidance off (the negative prompt is then unused)."
    )
    var cfg: Float = 7

    @Option(help: "Sampler: \(SamplerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var sampler: String = SamplerKind.dpmpp2M.rawValue

    @Option(
        help:
            "Sigma schedule: default or karras (default: karras where the sampler has it — dpmpp_2m, euler, lms, heun — else default)."
    )
    var schedule: String?

    @Option(
        name: .customLong("timestep-spacing"),
        help: "leading, linspace or trailing (default: the model's scheduler config, else the sampler's own)."
    )
    var timestepSpacing: String?

    @Option(
        help:
            "Noise generator: cpu (torch.Generator(\"cpu\"), diffusers' default) or philox (A1111's NV seeds)."
    )
    var rng: String = RNGKind.cpu.rawValue

    @Option(
        parsing: .unconditional,
        help: "Image width in pixels, a multiple of 8 (default: the model's native size).")
    var width: Int?

    @Option(
        parsing: .unconditional,
        help: "Image height in pixels, a multiple of 8 (default: the model's native size).")
    var height: Int?

    @Option(
        parsing: .unconditional, help: "Images to make in one U-Net batch (see below for the file names).")
    var batch: Int = 1

    @Option(
        name: .customLong("clip-skip"), parsing: .unconditional,
        help: "Skip the text encoder's last N−1 layers (A1111's Clip skip).")
    var clipSkip: Int = 1

    @Option(parsing: .unconditional, help: "Engine threads (OpenBLAS and Swift kernels; default: all cores).")
    var threads: Int?

    @Option(help: "Output PNG path (FILE.png).")
    var output: String

    @Option(
        name: .customLong("save-latents"),
        help:
            "Also write the final latents (before VAE scaling and decode) as a float32 .npy of shape [N, 4, h, w]."
    )
    var saveLatents: String?

    @Flag(help: "No progress bar and no messages (errors still go to standard error).")
    var quiet = false

    func run() throws {
        do {
            try generate()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func generate() throws {
        let request = try makeRequest()
        let files = try GenerateOutput(png: output, latents: saveLatents)
        if let threads {
            guard (1...1024).contains(threads) else {
                throw CLIError("--threads \(threads) is outside 1…1024")
            }
        }
        let modelPath = try BundledModel.resolve(model)
        OpenBLASKernels.reexecWithBestKernelsIfNeeded()
        if let threads { EngineThreads.set(threads) }

        let loadStart = Date()
        let pipeline = try StableDiffusionPipeline(loading: modelPath)
        let firstSeed = request.images[0].seed
        if !quiet {
            say(
                "model \(pipeline.modelName) (\(pipeline.modelHash.short)) loaded in \(String(format: "%.1f", Date().timeIntervalSince(loadStart))) s; "
                    + "seed \(firstSeed)\(seed == nil ? " (random)" : "")")
        }
        let bar = quiet ? nil : StepProgressBar()
        let start = Date()
        let result: GenerationResult
        do {
            result = try pipeline.generate(request) { bar?.update(step: $0.step, total: $0.total) }
            bar?.finish()
        } catch {
            bar?.finish()
            throw error
        }
        if !quiet {
            for prompt in result.truncatedPrompts {
                say("warning: cut to \(pipeline.tokenizer.maxLength) tokens: \(prompt)")
            }
        }

        let paths = files.pngPaths(count: result.images.count)
        var outputs: [(path: String, data: Data)] = try paths.indices.map {
            (paths[$0], try result.pngData(image: $0))
        }
        if let latentsPath = files.latentsPath {
            let shape = result.latentShape
            outputs.append(
                (
                    latentsPath,
                    try NPYFile.encode(
                        result.latents, shape: [shape.batch, shape.channels, shape.height, shape.width])
                ))
        }
        try GenerateOutput.writeAll(outputs)
        if !quiet {
            let seconds = Date().timeIntervalSince(start)
            say(
                "\(result.images.count) image(s) \(result.width)x\(result.height) in \(String(format: "%.1f", seconds)) s"
            )
            for (index, path) in paths.enumerated() {
                say("wrote \(path) (seed \(result.parameters[index].seed))")
            }
            if let latentsPath = files.latentsPath { say("wrote \(latentsPath)") }
        }
    }

    /// The request the flags describe; names checked by the engine's parsers, ranges by the
    /// farm's one validation (`RenderSettingsValidation`, as `submit` and the coordinator do).
    func makeRequest() throws -> GenerationRequest {
        let samplerKind = try SamplerKind(parsing: sampler)
        let scheduleKind =
            try schedule.map { try SigmaScheduleKind(parsing: $0) }
            ?? (samplerKind.supportsKarras ? .karras : .default)
        let spacing = try timestepSpacing.map { try TimestepSpacing(parsing: $0) }
        let rngKind = try RNGKind(parsing: rng)
        do {
            try RenderSettingsValidation.check(
                model: model, width: width, height: height, steps: steps, cfg: Double(cfg), sampler: sampler,
                schedule: scheduleKind.rawValue)
            try RenderSettingsValidation.checkSeeds(
                first: seed ?? 0, count: batch, countField: "batch", countRange: 1...GenerationLimits.maxBatch
            )
        } catch {
            throw CLIError(error.flagDescription)
        }
        let firstSeed = seed ?? UInt64.random(in: 0..<(1 << 32))
        return GenerationRequest(
            prompt: prompt, negativePrompt: negative, seed: firstSeed, count: batch, width: width,
            height: height,
            steps: steps, guidanceScale: cfg, sampler: samplerKind, sigmaSchedule: scheduleKind,
            timestepSpacing: spacing,
            rng: rngKind, clipSkip: clipSkip)
    }
}
