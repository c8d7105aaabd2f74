import ArgumentParser

/// The options every engine benchmark over the full-size SD 1.5 models shares
/// (`sdfarm bench engine`, `sdfarm bench unet`).
struct EngineBenchOptions: ParsableArguments {
    @Option(help: "Engine threads (OpenBLAS and Swift kernels).")
    var threads: Int = 2

    @Option(help: "Timed calls per stage after the profiled warm-up call; the best is reported.")
    var repeats: Int = 1

    @Flag(help: "Print where the time goes in each stage, operation by operation.")
    var profile = false

    @Option(help: "JSON written by scripts/bench-reference.py, to print PyTorch's figures and the ratio.")
    var reference: String?

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1…256") }
        guard (1...100).contains(repeats) else { throw ValidationError("--repeats must be in 1…100") }
    }
}
