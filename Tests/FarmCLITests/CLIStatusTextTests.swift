import FarmProtocol
import Foundation
import Testing

@testable import FarmCLI
@testable import FarmCoordinator
@testable import FarmStore
@testable import FarmTesting

@Suite("CLI: status tables")
struct CLIStatusTextTests {
    static func status() -> StatusView {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let record = JobRecord(
            id: JobID(7), owner: "me", priority: 0, state: .active, settings: "{}", createdAt: now,
            updatedAt: now, finishedAt: nil,
            progress: JobProgress(total: 100, queued: 40, leased: 10, done: 45, failed: 5, cancelled: 0))
        return StatusView(
            StatusReply(
                FarmStatus(
                    workers: [
                        .init(
                            id: "w1", name: "w1", state: "active", device: "cpu", loadedModel: "tiny",
                            models: ["tiny"], jobs: [7], itemsInHand: 4, imagesDone: 45, imagesPerMinute: 12.5
                        )
                    ],
                    jobs: [.init(record: record, waiting: nil, imagesPerMinute: 10)])))
    }

    @Test func tablesShowProgressRateAndETA() {
        let jobs = StatusText.jobs(Self.status())
        let lines = jobs.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("JOB  STATE"))
        #expect(lines[1].contains("[██████████          ]  50%"))
        #expect(lines[1].contains("45/100"))
        #expect(lines[1].contains("10.0/min"))
        #expect(lines[1].contains("5m00s"))  // 50 left at 10 a minute
        let workers = StatusText.workers(Self.status())
        #expect(workers.contains("w1      active  cpu     tiny   7     45      12.5"))
    }

    @Test func jsonIsMachineReadable() throws {
        let text = try StatusText.json(Self.status())
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let job = (object["jobs"] as! [[String: Any]])[0]
        #expect(job["id"] as? Int == 7)
        #expect(job["done"] as? Int == 45)
        #expect(job["waiting"] == nil || job["waiting"] is NSNull)
        #expect((object["workers"] as! [[String: Any]])[0]["loaded_model"] as? String == "tiny")
    }

    @Test func emptyFarm() {
        #expect(StatusText.workers(StatusView(workers: [], jobs: [])) == "no workers connected\n")
        #expect(StatusText.jobs(StatusView(workers: [], jobs: [])) == "no jobs\n")
    }
}
