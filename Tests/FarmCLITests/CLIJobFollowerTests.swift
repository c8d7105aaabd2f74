import FarmClient
import FarmProtocol
import Foundation
import Synchronization
import Testing

@testable import FarmCLI
@testable import FarmTesting

/// `sdfarm wait` / `watch` follow a job through `JobFollower`: across a coordinator restart
/// (issue 12), and a finished job is reported as finished whatever the timeout (issue 13, 8).
@Suite("CLI: wait and watch follow a job across coordinator restarts")
struct CLIJobFollowerTests {
    final class Log: Sendable {
        let reconnects = Mutex<[String]>([])
        let jobEvents = Mutex(0)
    }

    @Test func waitCarriesOnWhenTheCoordinatorRestarts() async throws {
        let first = try await LoopbackFarm(farm: try await FarmHarness.make())
        let job = try await first.submit(3)
        let log = Log()
        let follower = JobFollower(
            address: first.address, token: LoopbackFarm.clientToken, firstBackoff: .milliseconds(50),
            maxBackoff: .milliseconds(200))
        let following = Task {
            try await follower.follow(
                job, timeout: 120,
                onEvent: { event in if case .job = event { log.jobEvents.withLock { $0 += 1 } } },
                onReconnect: { reason, delay in
                    log.reconnects.withLock { $0.append(JobFollower.reconnectLine(reason, delay)) }
                })
        }
        try await first.farm.eventually("the watch to start") { log.jobEvents.withLock { $0 } >= 1 }
        // The coordinator stops; the follower announces that it reconnects, and keeps trying.
        await first.stop()
        try await first.farm.eventually("a reconnect line") { log.reconnects.withLock { $0.count } >= 2 }
        let restarted = try await first.farm.restarted()
        let second = try await LoopbackFarm(farm: restarted, port: first.port)
        // On the restarted coordinator the job ends (cancelled here: no worker needed).
        _ = try await second.client { conn in try await conn.cancel(job) }
        let outcome = try await withTimeout(30, "the follower to see the end") { try await following.value }
        guard case .finished(let final) = outcome else { Issue.record("still running: \(outcome)"); return }
        #expect(final.id == job && final.state == "cancelled")
        let lines = log.reconnects.withLock { $0 }
        #expect(
            lines.allSatisfy { $0.contains("127.0.0.1:\(first.port)") && $0.contains("reconnecting in") },
            "\(lines)")
        await second.stop()
        await restarted.cleanUp()
    }

    @Test func aCoordinatorThatWasNeverReachedStillFailsAtOnce() async throws {
        let follower = JobFollower(
            address: HostPort(host: "127.0.0.1", port: 1), token: LoopbackFarm.clientToken)
        await #expect(throws: CLIError.self) {
            _ = try await follower.follow(
                1, onEvent: { _ in },
                onReconnect: { _, _ in Issue.record("retried an address that never answered") })
        }
    }

    @Test func timeoutZeroOnAFinishedJobReportsItFinished() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let job = try await farm.submit(1)
        _ = try await farm.client { conn in try await conn.cancel(job) }
        let follower = JobFollower(address: farm.address, token: LoopbackFarm.clientToken)
        for _ in 0..<5 {
            let outcome = try await follower.follow(
                job, timeout: 0, onEvent: { _ in }, onReconnect: { _, _ in })
            guard case .finished(let final) = outcome else {
                Issue.record("a finished job reported as still running"); break
            }
            #expect(final.state == "cancelled")
        }
        let running = try await farm.submit(1)
        #expect(
            try await follower.follow(running, timeout: 0, onEvent: { _ in }, onReconnect: { _, _ in })
                == .stillRunning)
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func anUnknownJobIsWordedAlikeByEveryCommand() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let follower = JobFollower(address: farm.address, token: LoopbackFarm.clientToken)
        var messages: [String] = []
        do { _ = try await follower.follow(999, onEvent: { _ in }, onReconnect: { _, _ in }) } catch {
            messages.append("\(error)")
        }
        for request in 0..<2 {
            do {
                _ = try await farm.client { conn in
                    request == 0 ? try await conn.cancel(999) : try await conn.job(999)
                }
            } catch let error as FarmClientError {
                messages.append(ClientOptions.jobError(error, job: 999).description)
            }
        }
        #expect(
            messages
                == Array(repeating: "no job 999 on the coordinator (sdfarm jobs lists the jobs)", count: 3))
        await farm.stop()
        await farm.farm.cleanUp()
    }
}
