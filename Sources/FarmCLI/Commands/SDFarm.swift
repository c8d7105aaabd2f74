import ArgumentParser
import Diffusion

/// The `sdfarm` command line: every subcommand and the logic behind them live in this
/// library (FarmCLI), so tests reach them without the executable; the `sdfarm` executable
/// only runs `SDFarm.main()`.
public struct SDFarm: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "sdfarm",
        abstract: "A distributed render farm for Stable Diffusion.",
        discussion: """
            Run `sdfarm demo` for an embedded farm on the bundled model, or `sdfarm generate` \
            to make one image on this machine.
            """,
        version: "sdfarm \(Diffusion.version)",
        subcommands: [
            GenerateCommand.self, TokenizeCommand.self, InspectCommand.self, InfoCommand.self,
            BenchCommand.self, CoordinatorSubcommand.self, WorkerSubcommand.self, SubmitCommand.self,
            StatusCommand.self, JobsCommand.self, WorkersCommand.self, WatchCommand.self, WaitCommand.self,
            ResultsCommand.self, CancelCommand.self, PauseCommand.self, ResumeCommand.self, RetryCommand.self,
            UnblockCommand.self, DrainCommand.self, DemoCommand.self,
        ])
}
