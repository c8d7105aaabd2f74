import ArgumentParser
import FarmClient
import FarmProtocol
import Foundation

/// `sdfarm submit FILE --model NAME …`: streams a prompt file to the coordinator, prints the
/// job id. A bad line stops everything (nothing is submitted) unless `--skip-bad`.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a prompt file (.txt, .jsonl or .csv) as a job; prints its id.")

    @Argument(help: "The prompt file.") var file: String
    @Option(help: "The model, by the name workers know it.") var model: String
    @Option(parsing: .unconditional, help: "Images per prompt (seeds S, S+1, …).") var seeds = 1
    @Option(
        parsing: .unconditional, help: "The first seed, 0 to 2^64-1 (default: random, one per job).",
        transform: SeedArgument.parse)
    var seed: UInt64?
    @Option(parsing: .unconditional, help: "Sampling steps.") var steps = 25
    @Option(parsing: .unconditional, help: "Guidance scale, 0 to 50 (≤ 1: no guidance).") var cfg = 7.0
    @Option(help: "ddim, pndm, euler, euler_a, dpmpp_2m, lms or heun.") var sampler = "dpmpp_2m"
    @Option(help: "default or karras.") var schedule = "karras"
    @Option(
        parsing: .unconditional,
        help: "Width in pixels, a multiple of 8 (SD 1.x native: 512; the bundled model: 64).") var width = 512
    @Option(parsing: .unconditional, help: "Height in pixels, a multiple of 8.") var height = 512
    @Option(help: "Negative prompt for every line that has none.") var negative = ""
    @Option(parsing: .unconditional, help: "Higher runs first (a 32-bit signed number).") var priority = 0
    @Option(
        help:
            "Noise generator: cpu (torch.Generator(\"cpu\"), diffusers' default) or philox (A1111's NV seeds)."
    ) var rng = "cpu"
    @Option(
        name: .customLong("timestep-spacing"),
        help: "leading, linspace or trailing (default: the model's scheduler config, else the sampler's own)."
    )
    var timestepSpacing: String?
    @Flag(name: .customLong("skip-bad"), help: "Report bad lines and submit the rest.") var skipBad = false
    @OptionGroup var client: ClientOptions

    /// The command line's settings, with the farm's one validation (`RenderSettingsValidation`),
    /// before the file is read or the coordinator is reached. A prompt-file line that changes a
    /// setting is checked again, line by line.
    func validate() throws {
        do {
            try RenderSettingsValidation.check(
                model: model, width: width, height: height, steps: steps, cfg: cfg, sampler: sampler,
                schedule: schedule, rng: rng,
                timestepSpacing: timestepSpacing)
            try RenderSettingsValidation.checkSeeds(first: seed ?? 0, count: seeds)
            try RenderSettingsValidation.checkPriority(priority)
        } catch {
            throw ValidationError(error.flagDescription)
        }
    }

    func run() async throws {
        let defaults = GenerationDefaults(
            model: model, seeds: seeds, seed: seed, steps: steps, cfg: cfg, sampler: sampler,
            schedule: schedule, width: width, height: height,
            negative: negative)
        var reader: PromptFileReader
        do { reader = try PromptFileReader(path: file) } catch { throw CLIError("\(error)") }
        // Checked before connecting, so a bad command line never reaches the coordinator.
        var probe = ItemExpander(defaults: defaults, jobBaseSeed: 0)
        do { _ = try probe.expand(PromptRecord(line: 0, prompt: "probe")) } catch let e as FieldError {
            throw CLIError(e.message)
        }
        let base = seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let settings = JSONLine.encode(
            SubmittedJobSettings(model: model, base_seed: base, file: (file as NSString).lastPathComponent))
        let skip = skipBad
        let json = client.json
        let model = self.model
        let owner = ProcessInfo.processInfo.environment["USER"] ?? "sdfarm"
        let priority = self.priority
        let file = self.file
        let rng = self.rng
        let timestepSpacing = self.timestepSpacing
        let outcome = try await client.withClient { conn -> (Submitted, Int) in
            var expander = ItemExpander(defaults: defaults, jobBaseSeed: base)
            var skipped = 0
            try await conn.beginSubmit(priority: priority, owner: owner, settings: settings)
            while true {
                let items: [ItemDraft]
                do {
                    guard let record = try reader.next() else { break }
                    do {
                        items = try expander.expand(record)
                    } catch let e as FieldError {
                        throw SubmitFileError(path: file, line: record.line, message: e.message)
                    }
                } catch let error as SubmitFileError {
                    guard skip else {
                        throw CLIError("\(error) (nothing submitted; --skip-bad submits the rest)")
                    }
                    FileHandle.standardError.write(Data("skipped \(error)\n".utf8))
                    skipped += 1
                    continue
                }
                for d in items {
                    try await conn.submit(
                        SubmitItems.Item(
                            prompt: d.prompt, negative: d.negative, seed: d.seed,
                            spec: RenderSettings(
                                model: model, width: d.width, height: d.height, steps: d.steps,
                                sampler: d.sampler, schedule: d.schedule, cfg: d.cfg,
                                rng: rng, timestepSpacing: timestepSpacing)))
                }
            }
            guard conn.submittedCount > 0 else { throw CLIError("\(file): no prompts") }
            return (try await conn.commit(), skipped)
        }
        let (submitted, skipped) = outcome
        if json {
            print(
                JSONLine.encode(
                    SubmitJSON(
                        job: submitted.jobID, items: submitted.items, skipped_lines: skipped,
                        models_nobody_holds: submitted.modelsNobodyHolds)))
        } else {
            for name in submitted.modelsNobodyHolds {
                FileHandle.standardError.write(
                    Data(
                        "warning: no connected worker holds model \(name); the job waits until one joins\n"
                            .utf8))
            }
            print(submitted.jobID)
        }
    }
}
