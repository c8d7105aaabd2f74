import ArgumentParser
import FarmProtocol
import Foundation

/// `sdfarm results JOB --out DIR`: the images and a manifest.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "Download a job's images as DIR/{index:06d}-{seed}.png with DIR/manifest.jsonl.")

    @Argument(help: "The job id.") var job: Int64
    @Option(help: "Output directory.") var out: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let export = try ResultExport(directory: out)
        let job = self.job
        let (items, images) = try await client.withClient { conn in try await export.download(job: job, from: &conn) }
        try export.close()
        guard items > 0 else { throw CLIError("job \(job) has no items (is the id right?)") }
        print(client.json ? #"{"job":\#(job),"items":\#(items),"images":\#(images),"out":"\#(out)"}"# : "\(images) images of \(items) items written to \(out)")
    }
}
