import Foundation
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

@Suite("Coordinator: lease policy and worker speed")
struct CoordinatorLeasePolicyTests {
    let policy = LeasePolicy()

    @Test func unmeasuredWorkerGetsTheDefaultRateAndTheFloorHolds() {
        let small = WorkCost(steps: 1, width: 64, height: 64, images: 1)
        #expect(policy.ttl(for: small, speed: WorkerSpeed()) == policy.floor)
        // 4 images of 512×512 at 25 steps: 26.2 M pixel-steps × 2 µs × 3 + 30 s = 187.3 s.
        let big = WorkCost(steps: 25, width: 512, height: 512, images: 4)
        #expect(abs(policy.ttl(for: big, speed: WorkerSpeed()) - (30 + 3 * 2e-6 * 26_214_400)) < 1e-9)
    }

    @Test func measuredSpeedScalesTheTTL() {
        var fast = WorkerSpeed()
        var slow = WorkerSpeed()
        let cost = WorkCost(steps: 50, width: 768, height: 768, images: 8)
        fast.observe(cost: cost, images: 8, elapsed: 40)
        slow.observe(cost: cost, images: 8, elapsed: 400)
        let f = policy.ttl(for: cost, speed: fast)
        let s = policy.ttl(for: cost, speed: slow)
        #expect(abs(f - (30 + 3 * 40)) < 1e-9)
        #expect(abs(s - (30 + 3 * 400)) < 1e-9)
    }

    @Test func speedIsSmoothed() {
        var speed = WorkerSpeed()
        let cost = WorkCost(steps: 10, width: 100, height: 100, images: 1)  // 100 000 pixel-steps
        speed.observe(cost: cost, images: 1, elapsed: 1)
        #expect(speed.secondsPerPixelStep == 1e-5)
        #expect(speed.imagesPerMinute == 60)
        speed.observe(cost: cost, images: 1, elapsed: 2)
        #expect(abs(speed.secondsPerPixelStep! - (0.3 * 2e-5 + 0.7 * 1e-5)) < 1e-15)
        #expect(abs(speed.imagesPerMinute! - (0.3 * 30 + 0.7 * 60)) < 1e-9)
        speed.observe(cost: cost, images: 1, elapsed: 0)  // nonsense is ignored
        #expect(speed.batches == 2)
    }

    @Test func renewalExtendsButNeverPastTheCeilingNorBackwards() {
        let claimed = Date(timeIntervalSince1970: 1000)
        let ttl: TimeInterval = 100
        // A heartbeat 50 s in: now + ttl.
        #expect(
            policy.renewedExpiry(claimedAt: claimed, ttl: ttl, current: claimed + 100, now: claimed + 50)
                == claimed + 150)
        // Late in the lease's life: capped at claimedAt + 4 × ttl.
        #expect(
            policy.renewedExpiry(claimedAt: claimed, ttl: ttl, current: claimed + 350, now: claimed + 380)
                == claimed + 400)
        // Never shortens a lease.
        #expect(
            policy.renewedExpiry(claimedAt: claimed, ttl: ttl, current: claimed + 450, now: claimed + 10)
                == claimed + 450)
    }
}
