import ArgumentParser

/// `sdfarm bench …`: commands that print figures (and the reference's, side by side where one
/// exists). Each benchmark is its own subcommand in its own file.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine, the job store or the farm dispatcher.",
        subcommands: [
            BenchEngineCommand.self, BenchUNetCommand.self, BenchVAECommand.self, BenchKernelsCommand.self,
            BenchStoreCommand.self, BenchFarmCommand.self,
        ])
}
