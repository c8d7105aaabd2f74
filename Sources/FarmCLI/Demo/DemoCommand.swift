import ArgumentParser
import Diffusion
import FarmCoordinator
import Foundation
import Logging

/// `sdfarm demo`: the whole farm on this machine — an embedded coordinator on SQLite in a
/// temporary data directory, N local worker processes on the bundled model, a batch of
/// example prompts with live progress, then the PNGs, a manifest and a contact sheet in
/// `--out`, and a summary.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Run a small farm on this machine (coordinator, local workers, bundled model) and render example prompts."
    )

    @Option(help: "Local worker processes.") var workers = 2
    @Option(help: "Where the images, manifest.jsonl and contact-sheet.png go.") var out = "./sdfarm-demo"
    @Option(help: "A model folder or .safetensors file (default: the bundled sdfarm-shapes model).")
    var model: String?
    @Option(help: "Images per prompt (seeds S, S+1, …).") var seeds = 2
    @Option(help: "The first seed.") var seed: UInt64 = 1
    @Option(help: "Sampling steps.") var steps = 20
    @Option(help: "Guidance scale.") var cfg = 6.0
    @Option(help: "Engine threads per worker (default: the cores shared out between the workers).")
    var threads: Int?
    @Flag(
        name: .customLong("keep-data"),
        help: "Keep the temporary data directory (database, results, worker logs).") var keepData = false

    func validate() throws {
        guard (1...16).contains(workers) else { throw ValidationError("--workers must be 1 to 16") }
        guard (1...64).contains(seeds) else { throw ValidationError("--seeds must be 1 to 64") }
        guard (1...200).contains(steps) else { throw ValidationError("--steps must be 1 to 200") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be 1 to 256") }
    }

    func run() async throws {
        let modelPath = try BundledModel.resolve(model)
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.open(modelPath) } catch { throw CLIError("\(error)") }
        let side = (checkpoint.unet.config.sampleSize?.first ?? 64) * checkpoint.vae.config.downsamplingFactor
        let modelName = BundledModel.name(of: modelPath)

        let data = try TemporaryDirectory(prefix: "sdfarm-demo-")
        defer { if keepData { say("data kept in \(data.path)") } else { data.remove() } }
        let models = try data.subdirectory("models")
        try FileManager.default.createSymbolicLink(
            atPath: (models as NSString).appendingPathComponent(
                modelName + (checkpoint.layout == .singleFile ? ".safetensors" : "")),
            withDestinationPath: URL(fileURLWithPath: modelPath).standardizedFileURL.path)
        let tokenFile = (data.path as NSString).appendingPathComponent("token")
        let (token, _) = try TokenFile.readOrCreate(tokenFile)

        var logger = Logger(label: "sdfarm.demo")
        logger.logLevel = .warning
        var options = CoordinatorOptions()
        options.dataDirectory = data.path
        options.database = (data.path as NSString).appendingPathComponent("sdfarm.sqlite")
        options.shutdownGrace = 5
        let service = try await CoordinatorService.start(
            options, listen: HostPort(host: "127.0.0.1", port: 0), workerToken: token, clientToken: token,
            logger: logger)
        let address = HostPort(host: "127.0.0.1", port: service.port)
        let (shutdown, trigger) = AsyncStream.makeStream(of: Void.self)
        let serving = Task { try await service.serve(shutdown: shutdown) }

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let perWorker = threads ?? max(1, cores / workers)
        say(
            "sdfarm demo: coordinator on \(address) (SQLite in \(data.path)), \(workers) workers × \(perWorker) threads, model \(modelName) (\(side)×\(side))"
        )
        let processes = try WorkerProcesses(
            count: workers, coordinator: address, tokenFile: tokenFile, models: models,
            dataDirectory: data.path, threads: perWorker, maxBatch: 2)

        let run = DemoRun(
            address: address, token: token, model: modelName, side: side, seeds: seeds, seed: seed,
            steps: steps, cfg: cfg, out: out)
        let interrupted = DemoInterrupt()
        let signals = ShutdownSignals()
        let signalTask = Task {
            var seen = 0
            for await _ in signals.signals {
                seen += 1
                if seen == 1 {
                    say("stopping the demo (workers, then the coordinator)"); interrupted.set()
                } else {
                    Foundation.exit(130)
                }
            }
        }
        defer { signalTask.cancel() }
        let outcome: Result<DemoSummary, any Error>
        do {
            outcome = .success(try await run.execute(processes: processes, interrupted: interrupted))
        } catch {
            outcome = .failure(error)
        }
        await processes.stop()
        trigger.yield()
        trigger.finish()
        _ = await serving.result
        withExtendedLifetime(signals) {}
        let summary = try outcome.get()
        say(summary.text)
        if summary.failed > 0 { throw ExitCode(1) }
    }
}
