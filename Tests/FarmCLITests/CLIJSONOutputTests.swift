import FarmClient
import FarmProtocol
import Foundation
import Testing

@testable import FarmCLI
@testable import FarmTesting

/// Issue 12: every `--json` view goes through `Encodable`; each is parsed back here, with the
/// characters that string splicing broke (quotes, backslashes, newlines) in its strings.
@Suite("CLI: --json output is real JSON")
struct CLIJSONOutputTests {
    static let awkward = "a \"quoted\"\\name\nwith a newline"

    static func object(_ line: String) throws -> [String: Any] {
        #expect(!line.contains("\n"), "one line per object: \(line)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static let summary = JobSummary(
        id: 7, state: "running", priority: 0, total: 10, queued: 4, leased: 2, done: 3, failed: 1,
        cancelled: 0)

    @Test func submitSettingsKeepAPromptFileNameWithAQuote() throws {
        let settings = try Self.object(
            JSONLine.encode(
                SubmittedJobSettings(model: Self.awkward, base_seed: .max, file: "my \"best\" prompts.txt")))
        #expect(settings["file"] as? String == "my \"best\" prompts.txt")
        #expect(settings["model"] as? String == Self.awkward)
        #expect((settings["base_seed"] as? NSNumber)?.uint64Value == .max)
    }

    @Test func submitView() throws {
        let view = try Self.object(
            JSONLine.encode(
                SubmitJSON(job: 3, items: 12, skipped_lines: 1, models_nobody_holds: [Self.awkward, "sd15"])))
        #expect(view["job"] as? Int == 3 && view["items"] as? Int == 12 && view["skipped_lines"] as? Int == 1)
        #expect(view["models_nobody_holds"] as? [String] == [Self.awkward, "sd15"])
    }

    @Test func waitAndJobControlView() throws {
        var summary = Self.summary
        summary.state = Self.awkward
        let view = try Self.object(JSONLine.encode(JobJSON(summary)))
        #expect(view["job"] as? Int == 7 && view["state"] as? String == Self.awkward)
        #expect(view["done"] as? Int == 3 && view["failed"] as? Int == 1 && view["cancelled"] as? Int == 0)
        #expect(view["queued"] as? Int == 4 && view["total"] as? Int == 10)
    }

    @Test func watchViewsSurviveAWorkerNameWithQuotes() throws {
        let job = WatchCommand.lines(for: .job(Self.summary), json: true, terminal: false)
        #expect(job.count == 1)
        #expect(try Self.object(job[0])["state"] as? String == "running")
        let progress = BatchProgress(
            jobID: 7, itemIDs: [1, 2], step: 3, totalSteps: 20, preview: Preview(width: 0, height: 0, rgb: [])
        )
        let lines = WatchCommand.lines(
            for: .progress(worker: Self.awkward, progress), json: true, terminal: true)
        #expect(lines.count == 1)
        let view = try Self.object(lines[0])
        #expect(view["worker"] as? String == Self.awkward)
        #expect(
            view["items"] as? [Int] == [1, 2] && view["step"] as? Int == 3
                && view["total_steps"] as? Int == 20)
    }

    @Test func resultsView() throws {
        let view = try Self.object(
            JSONLine.encode(ResultsJSON(job: 9, items: 2, images: 1, out: "/tmp/\"out\"")))
        #expect(view["out"] as? String == "/tmp/\"out\"" && view["images"] as? Int == 1)
    }
}
