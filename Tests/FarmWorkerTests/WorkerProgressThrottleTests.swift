import Testing

@testable import FarmTesting
@testable import FarmWorker

/// The sending side of progress: rate-bounded, latest wins, replaced values counted — step by
/// step on a made-up clock.
@Suite("Worker: progress throttle")
struct WorkerProgressThrottleTests {
    @Test func atMostOnePerIntervalLatestWinsDropsCounted() {
        var t = ProgressThrottle<Int>(interval: 0.25)
        #expect(t.offer(1, now: 0) == 1)  // the first goes out at once
        #expect(t.offer(2, now: 0.1) == nil)  // too soon: waits
        #expect(t.nextDue == 0.25)
        #expect(t.offer(3, now: 0.2) == nil)  // replaces 2
        #expect(t.dropped == 1)
        #expect(t.flush(now: 0.24) == nil)  // not yet due
        #expect(t.flush(now: 0.25) == 3)  // the latest, on time
        #expect(t.nextDue == nil)
        #expect(t.offer(4, now: 0.3) == nil)
        #expect(t.offer(5, now: 0.6) == 5)  // due by now: goes out, the waiting 4 is dropped
        #expect(t.dropped == 2)
        #expect(t.flush(now: 10) == nil)
        #expect(t.offer(6, now: 0.7) == nil)
        t.discard()
        #expect(t.dropped == 3)
        #expect(t.nextDue == nil)
    }

    @Test func aFastEngineSendsBoundedProgress() {
        // 1000 steps in one second at a 250 ms interval: at most 5 go out, the rest are dropped.
        var t = ProgressThrottle<Int>(interval: 0.25)
        var sent = 0
        for step in 0..<1000 {
            let now = Double(step) / 1000
            if t.offer(step, now: now) != nil { sent += 1 }
            if t.flush(now: now) != nil { sent += 1 }
        }
        #expect(sent <= 5)
        #expect(sent + t.dropped + (t.nextDue == nil ? 0 : 1) == 1000)
    }
}
