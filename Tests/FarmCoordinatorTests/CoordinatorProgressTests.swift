import Testing

@testable import FarmCoordinator
@testable import FarmTesting

@Suite("Coordinator: progress fan-out")
struct CoordinatorProgressTests {
    @Test func mailboxKeepsTheLatestPerKeyAndCountsDrops() {
        var box = LatestMailbox<String, Int>()
        #expect(box.isEmpty)
        let first = [
            box.offer(1, for: "w1"), box.offer(10, for: "w2"), box.offer(2, for: "w1"),
            box.offer(3, for: "w1"),
        ]
        #expect(first == [false, false, true, true])
        #expect(box.dropped == 2)
        let taken = box.takeAll()
        #expect(taken.map(\.key) == ["w1", "w2"])
        #expect(taken.map(\.value) == [3, 10])
        #expect(box.isEmpty)
        let again = box.offer(4, for: "w1")
        #expect(!again)
        #expect(box.dropped == 2)
    }

    @Test func slowWatcherGetsLatestOnlyAndOthersAreNotHeldUp() async {
        let hub = ProgressHub<Int>()
        let slow = await hub.subscribe(job: 1)
        let other = await hub.subscribe(job: 2)
        for step in 1...50 { await hub.publish(step, job: 1, key: "w1") }
        await hub.publish(7, job: 1, key: "job")
        #expect(await hub.next(slow) == [50, 7])
        #expect(await hub.droppedTotal == 49)
        // Job 2's watcher saw nothing of job 1.
        await hub.publish(99, job: 2, key: "w1")
        #expect(await hub.next(other) == [99])
    }

    @Test func waitingWatcherIsWokenByTheNextUpdate() async {
        let hub = ProgressHub<Int>()
        let s = await hub.subscribe(job: 1)
        async let got = hub.next(s)
        // Publish until the reader is parked (a publish before it waits lands in the mailbox,
        // and next returns it as well — either way it gets the newest value).
        await hub.publish(5, job: 1, key: "w1")
        #expect(await got == [5])
    }

    @Test func unsubscribeAndCloseEndTheStream() async {
        let hub = ProgressHub<Int>()
        let a = await hub.subscribe(job: 1)
        let b = await hub.subscribe(job: 1)
        #expect(await hub.watcherCount(job: 1) == 2)
        await hub.unsubscribe(a)
        #expect(await hub.next(a) == nil)
        await hub.close(job: 1)
        #expect(await hub.next(b) == nil)
        #expect(await hub.watcherCount(job: 1) == 0)
    }
}
