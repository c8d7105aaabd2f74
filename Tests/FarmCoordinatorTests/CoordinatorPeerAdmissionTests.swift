import Testing

@testable import FarmCoordinator
@testable import FarmTesting

/// `PeerAdmission` step by step, with time passed in (issue 13, defects 3 and 4).
@Suite("Peer admission")
struct CoordinatorPeerAdmissionTests {
    let t0 = ContinuousClock.now

    func limits(_ change: (inout ConnectionLimits) -> Void) -> ConnectionLimits {
        var l = ConnectionLimits()
        change(&l)
        return l
    }

    @Test func theConnectionAfterTheCapFromOneAddressIsRefusedAndOthersAreNot() {
        var a = PeerAdmission(
            limits: limits {
                $0.maxConnectionsPerAddress = 3; $0.handshakeBurst = 100
            })
        for _ in 0..<3 { #expect(a.connect("10.0.0.1", now: t0) == .admit) }
        guard case .refuse(let why) = a.connect("10.0.0.1", now: t0) else {
            Issue.record("fourth connection admitted"); return
        }
        #expect(why.contains("10.0.0.1"))
        #expect(a.connect("10.0.0.2", now: t0) == .admit)
        a.closed("10.0.0.1")
        #expect(a.connect("10.0.0.1", now: t0) == .admit)
        #expect(a.total == 4)
    }

    @Test func theTotalIsCapped() {
        var a = PeerAdmission(limits: limits { $0.maxConnections = 2 })
        #expect(a.connect("10.0.0.1", now: t0) == .admit)
        #expect(a.connect("10.0.0.2", now: t0) == .admit)
        #expect(a.connect("10.0.0.3", now: t0) != .admit)
        a.closed("10.0.0.2")
        #expect(a.connect("10.0.0.3", now: t0) == .admit)
    }

    @Test func handshakesPerAddressAreRateLimited() {
        var a = PeerAdmission(
            limits: limits {
                $0.handshakeBurst = 5; $0.handshakesPerSecond = 2
            })
        for _ in 0..<5 {
            #expect(a.connect("10.0.0.1", now: t0) == .admit)
            a.closed("10.0.0.1")
        }
        #expect(a.connect("10.0.0.1", now: t0) != .admit)
        #expect(a.connect("10.0.0.2", now: t0) == .admit)
        // Half a second later one more token has come back, not two.
        #expect(a.connect("10.0.0.1", now: t0 + .milliseconds(500)) == .admit)
        #expect(a.connect("10.0.0.1", now: t0 + .milliseconds(500)) != .admit)
    }

    @Test func failuresAreSlowedMoreEachTimeAndThenLockTheAddressOut() {
        var a = PeerAdmission(
            limits: limits {
                $0.failureDelay = .milliseconds(100); $0.maxFailureDelay = .milliseconds(700)
                $0.failuresBeforeLockout = 5; $0.lockout = .seconds(60)
            })
        let delays = (0..<4).map { _ in a.failed("10.0.0.1", now: t0) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(700)])
        #expect(a.connect("10.0.0.1", now: t0) == .admit)
        #expect(a.failure("10.0.0.1", now: t0).lockedOut)
        #expect(a.lockedOut("10.0.0.1", now: t0) == .seconds(60))
        guard case .refuse(let why) = a.connect("10.0.0.1", now: t0 + .seconds(1)) else {
            Issue.record("locked-out address admitted"); return
        }
        #expect(why.contains("failed handshakes"))
        #expect(a.connect("10.0.0.2", now: t0 + .seconds(1)) == .admit)
        #expect(a.connect("10.0.0.1", now: t0 + .seconds(61)) == .admit)
    }

    @Test func failuresAreForgottenAfterAQuietWhile() {
        var a = PeerAdmission(
            limits: limits {
                $0.failureDelay = .milliseconds(100); $0.failureMemory = .seconds(60)
            })
        _ = a.failed("10.0.0.1", now: t0)
        _ = a.failed("10.0.0.1", now: t0)
        #expect(a.failureCount("10.0.0.1") == 2)
        #expect(a.failed("10.0.0.1", now: t0 + .seconds(120)) == .milliseconds(100))
        #expect(a.failureCount("10.0.0.1") == 1)
    }
}
