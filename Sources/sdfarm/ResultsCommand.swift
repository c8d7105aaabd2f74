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
        let (images, items) = try await client.withClient { conn -> (Int, Int) in
            var from = 0
            var images = 0
            var items = 0
            while true {
                let end = try await conn.fetchResults(job: job, from: from, limit: 64) { r, png in
                    try export.write(
                        .init(index: r.index, prompt: r.prompt, negative: r.negative, seed: r.seed, settings: r.settings, state: r.state,
                              sha256: r.sha256.map(Digest.hex), worker: r.worker, error: r.error),
                        png: png)
                    if png != nil { images += 1 }
                    items += 1
                }
                if !end.more { break }
                from = end.nextIndex
            }
            return (images, items)
        }
        try export.close()
        guard items > 0 else { throw CLIError("job \(job) has no items (is the id right?)") }
        print(client.json ? #"{"job":\#(job),"items":\#(items),"images":\#(images),"out":"\#(out)"}"# : "\(images) images of \(items) items written to \(out)")
    }
}
