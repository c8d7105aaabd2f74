import Foundation
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

@Suite("Coordinator: worker lifecycle")
struct CoordinatorWorkerLifecycleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let a = LeaseRef(item: 1, fence: 1)
    let b = LeaseRef(item: 2, fence: 1)

    @Test func connectingThenIdleThenActiveThenIdle() {
        var w = WorkerLifecycle(connectedAt: t0)
        #expect(w.state == .connecting)
        #expect(w.assignable == 0)
        let r1 = w.authenticated(now: t0)
        #expect(r1 == .none)
        #expect(w.state == .idle)
        let r2 = w.creditGranted(2, now: t0)
        #expect(r2 == .none)
        #expect(w.assignable == 2)
        let r3 = w.assigned([a, b], now: t0)
        #expect(r3)
        #expect(w.state == .active)
        #expect(w.assignable == 0)
        w.leaseEnded(a, now: t0 + 1)
        #expect(w.state == .active)
        w.leaseEnded(b, now: t0 + 2)
        #expect(w.state == .idle)
        #expect(w.inFlight.isEmpty)
    }

    @Test func assignmentBeyondCreditIsRefusedAndChangesNothing() {
        var w = WorkerLifecycle(connectedAt: t0)
        _ = w.authenticated(now: t0)
        _ = w.creditGranted(1, now: t0)
        let r4 = w.assigned([a, b], now: t0)
        #expect(!r4)
        #expect(w.state == .idle)
        #expect(w.credit == 1)
        #expect(w.inFlight.isEmpty)
    }

    @Test func creditBeforeHandshakeClosesTheConnection() {
        var w = WorkerLifecycle(connectedAt: t0)
        guard case .close(let reason, let requeue) = w.creditGranted(1, now: t0) else {
            Issue.record("expected close")
            return
        }
        #expect(reason.contains("before the handshake"))
        #expect(requeue.isEmpty)
        #expect(w.state == .offline)
    }

    @Test func drainStopsNewWorkAndKeepsLeases() {
        var w = WorkerLifecycle(connectedAt: t0)
        _ = w.authenticated(now: t0)
        _ = w.creditGranted(3, now: t0)
        let r5 = w.assigned([a], now: t0)
        #expect(r5)
        let r6 = w.drainRequested()
        #expect(r6 == .sendDrain)
        #expect(w.state == .draining)
        #expect(w.assignable == 0)
        // A credit sent before the worker saw the drain gives it nothing.
        _ = w.creditGranted(4, now: t0 + 1)
        #expect(w.assignable == 0)
        let r7 = w.drainRequested()
        #expect(r7 == .none)
        w.leaseEnded(a, now: t0 + 2)
        #expect(w.state == .draining)
        let r8 = w.disconnected()
        #expect(r8 == .none)
        #expect(w.state == .offline)
    }

    @Test func disconnectGivesBackWhatTheWorkerHeld() {
        var w = WorkerLifecycle(connectedAt: t0)
        _ = w.authenticated(now: t0)
        _ = w.creditGranted(2, now: t0)
        _ = w.assigned([b, a], now: t0)
        let r9 = w.disconnected()
        #expect(r9 == .requeue([a, b]))
        #expect(w.state == .offline)
        #expect(w.inFlight.isEmpty)
        let r10 = w.disconnected()
        #expect(r10 == .none)
    }

    @Test func silenceLongerThanTheTimeoutTakesTheWorkerOffline() {
        var w = WorkerLifecycle(connectedAt: t0, heartbeatTimeout: 30)
        _ = w.authenticated(now: t0)
        _ = w.creditGranted(1, now: t0)
        _ = w.assigned([a], now: t0)
        let r11 = w.tick(now: t0 + 30)
        #expect(r11 == .none)
        w.heard(now: t0 + 25)
        let r12 = w.tick(now: t0 + 50)
        #expect(r12 == .none)
        let r13 = w.tick(now: t0 + 55.5)
        #expect(r13 == .close(reason: "no heartbeat for 30 s", requeue: [a]))
        #expect(w.state == .offline)
        let r14 = w.tick(now: t0 + 100)
        #expect(r14 == .none)
    }

    @Test func lateReportOfAnUnknownLeaseIsIgnored() {
        var w = WorkerLifecycle(connectedAt: t0)
        _ = w.authenticated(now: t0)
        _ = w.creditGranted(1, now: t0)
        _ = w.assigned([a], now: t0)
        w.leaseEnded(LeaseRef(item: 1, fence: 0), now: t0)
        #expect(w.inFlight == [a])
        #expect(w.state == .active)
    }

    @Test func secondHandshakeIsAViolation() {
        var w = WorkerLifecycle(connectedAt: t0)
        _ = w.authenticated(now: t0)
        _ = w.creditGranted(1, now: t0)
        _ = w.assigned([a], now: t0)
        let r15 = w.authenticated(now: t0)
        #expect(r15 == .close(reason: "protocol violation: second handshake", requeue: [a]))
    }
}
