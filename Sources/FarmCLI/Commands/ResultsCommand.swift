import ArgumentParser
import FarmProtocol
import Foundation

/// `sdfarm results JOB --out DIR`: the images and a manifest. DIR is created only once the
/// coordinator has said the job exists.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Download a job's images as DIR/{index:06d}-{seed}.png with DIR/manifest.jsonl.")

    @Argument(help: "The job id (as submit printed it).") var job: Int64
    @Option(help: "Output directory.") var out: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let job = self.job
        let out = self.out
        let (items, images) = try await client.withJob(job) { conn in
            _ = try await conn.job(job)
            let export = try ResultExport(directory: out)
            let counts = try await export.download(job: job, from: &conn)
            try export.close()
            return counts
        }
        print(
            client.json
                ? JSONLine.encode(ResultsJSON(job: job, items: items, images: images, out: out))
                : "\(images) images of \(items) items written to \(out)")
    }
}
