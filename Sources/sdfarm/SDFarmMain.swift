import ArgumentParser
import FarmCLI

/// The sdfarm executable: the root command as FarmCLI defines it (`SDFarm`), run as the
/// asynchronous entry point. Every subcommand and its logic live in FarmCLI.
@main
struct SDFarmMain: AsyncParsableCommand {
    static let configuration = SDFarm.configuration
}
