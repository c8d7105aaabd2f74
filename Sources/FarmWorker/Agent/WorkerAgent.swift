import FarmProtocol
import Foundation
import Logging

/// A worker's brain: takes batches from the coordinator, runs them on the engine one at a
/// time, keeps every finished image in the outbox until the coordinator acknowledges it, and
/// asks for more work as it finishes (credit-based pull: it never holds more than
/// `maxBatch × batchesAhead` items). Batches run on across disconnects — their results wait
/// in the outbox and go out on the next connection.
public actor WorkerAgent {
    nonisolated public let engine: any ImageEngine
    nonisolated public let outbox: ResultOutbox
    public let maxBatch: Int
    public let batchesAhead: Int
    let logger: Logger

    private var link: (any CoordinatorLink)?
    private var queue: [WorkBatch] = []
    private var itemsInHand = 0
    /// Items asked for on this connection and not received yet.
    private var creditOutstanding = 0
    private var cancelled: Set<ClaimRef> = []
    private var draining = false
    private var wake: CheckedContinuation<Void, Never>?
    private var finished = false
    private var finishWaiters: [CheckedContinuation<Void, Never>] = []

    public private(set) var batchesRun = 0

    public init(
        engine: any ImageEngine, outbox: ResultOutbox, maxBatch: Int, batchesAhead: Int = 2,
        logger: Logger = Logger(label: "sdfarm.worker")
    ) {
        self.engine = engine
        self.outbox = outbox
        self.maxBatch = max(1, maxBatch)
        self.batchesAhead = max(1, batchesAhead)
        self.logger = logger
    }

    /// True once drained and everything is acknowledged.
    public var isFinished: Bool { finished }
    public var isDraining: Bool { draining }

    /// Returns once the agent has drained and said goodbye.
    public func untilFinished() async {
        if finished { return }
        await withCheckedContinuation { finishWaiters.append($0) }
    }
    /// Nothing in hand and nothing waiting in the outbox.
    public var isIdle: Bool { itemsInHand == 0 && ((try? outbox.pending().isEmpty) ?? false) }

    /// A connection is up: resend what waits in the outbox, then ask for work.
    public func attach(_ link: any CoordinatorLink) async {
        self.link = link
        creditOutstanding = 0
        for entry in (try? outbox.pending()) ?? [] {
            await sendResult(entry)
        }
        await askForWork()
        await leaveIfDone()
    }

    /// The connection is gone.
    public func detach() {
        link = nil
        creditOutstanding = 0
    }

    /// SIGTERM: finish the batches in hand, deliver their results, then leave.
    public func drain() async {
        draining = true
        await leaveIfDone()
        wakeUp()
    }

    public func receive(_ message: CoordinatorMessage) async {
        switch message {
        case .assign(let batch):
            creditOutstanding = max(0, creditOutstanding - batch.items.count)
            itemsInHand += batch.items.count
            queue.append(batch)
            wakeUp()
        case .resultAccepted(let item, let fence), .resultRefused(let item, let fence, _):
            outbox.remove(item: item, fence: fence)
            await leaveIfDone()
        case .resultRetryLater(let item, let fence, let after, let reason):
            logger.warning(
                "the coordinator cannot take the result of item \(item) now; resending in \(after) s: \(reason)"
            )
            resendLater(ClaimRef(item: item, fence: fence), after: after)
        case .cancel(let claims):
            cancelled.formUnion(claims)
            // Queued batches lose the cancelled items now; the running one drops them at the end.
            for i in queue.indices {
                let before = queue[i].items.count
                queue[i].items.removeAll { cancelled.contains($0.claim) }
                itemsInHand -= before - queue[i].items.count
            }
            queue.removeAll { $0.items.isEmpty }
            await askForWork()
        case .drain:
            await drain()
        }
    }

    /// Sends a heartbeat (the connection calls this on its timer).
    public func heartbeat() async {
        try? await link?.send(.heartbeat)
    }

    /// Runs batches until drained. Returns when the worker may exit.
    public func run() async {
        while !finished {
            if queue.isEmpty {
                if draining {
                    await leaveIfDone()
                    if finished { return }
                }
                await withCheckedContinuation { wake = $0 }
                continue
            }
            let batch = queue.removeFirst()
            await runBatch(batch)
        }
    }

    private func runBatch(_ batch: WorkBatch) async {
        let started = Date()
        let renderItems = batch.items.map {
            RenderItem(
                item: $0.claim.item, prompt: $0.prompt, negativePrompt: $0.negativePrompt, seed: $0.seed)
        }
        let job = batch.items.first?.job ?? 0
        let ids = batch.items.map(\.claim.item)
        // Progress goes out in order and lossy: a one-slot buffer that keeps the newest, sent
        // by one task that is finished before the results go out.
        let (updates, sink) = AsyncStream.makeStream(
            of: EngineProgress.self, bufferingPolicy: .bufferingNewest(1))
        let progressLink = link
        let sender = Task {
            for await p in updates {
                try? await progressLink?.send(
                    .progress(
                        job: job, items: ids, step: p.step, totalSteps: p.totalSteps, preview: p.preview,
                        previewWidth: p.previewWidth, previewHeight: p.previewHeight))
            }
        }
        defer { sink.finish() }
        do {
            let images = try await engine.render(renderItems, settings: batch.settings) { p in
                sink.yield(p)
            }
            sink.finish()
            await sender.value
            let elapsed = Date().timeIntervalSince(started)
            guard images.count == batch.items.count else {
                throw RenderFailure.worker(
                    "the engine returned \(images.count) images for \(batch.items.count) items")
            }
            for (item, image) in zip(batch.items, images) where !cancelled.contains(item.claim) {
                do {
                    let entry = try outbox.put(
                        item: item.claim.item, fence: item.claim.fence, job: item.job, image: image,
                        elapsed: elapsed,
                        batchSize: batch.items.count)
                    await sendResult(entry)
                } catch {
                    logger.error("cannot keep the result of item \(item.claim.item): \(error)")
                    await sendFailure(item.claim, .worker("worker outbox: \(error)"))
                }
            }
        } catch {
            let failure = (error as? RenderFailure) ?? .worker("\(error)")
            logger.warning("batch of \(batch.items.count) failed: \(failure)")
            for item in batch.items where !cancelled.contains(item.claim) {
                await sendFailure(item.claim, failure)
            }
        }
        for item in batch.items { cancelled.remove(item.claim) }
        itemsInHand -= batch.items.count
        batchesRun += 1
        await askForWork()
        await leaveIfDone()
    }

    /// Sends the outbox entry of `claim` again after `after` seconds, if it still waits then
    /// (a reconnect meanwhile sends the whole outbox anyway). The delay is at least 0.1 s and
    /// at most 10 minutes, whatever the coordinator asked.
    private func resendLater(_ claim: ClaimRef, after: Double) {
        let delay = min(600, max(0.1, after.isFinite ? after : 5))
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            await self?.resend(claim)
        }
    }

    private func resend(_ claim: ClaimRef) async {
        guard link != nil,
            let entry = ((try? outbox.pending()) ?? []).first(where: {
                $0.item == claim.item && $0.fence == claim.fence
            })
        else { return }
        await sendResult(entry)
    }

    private func sendResult(_ entry: OutboxEntry) async {
        guard let link else { return }
        do {
            let files = try outbox.load(entry)
            try await link.send(.result(entry, png: files.png, latents: files.latents))
        } catch let error as OutboxError {
            // A damaged entry can never be delivered: report the item failed and drop it.
            logger.error("\(error)")
            await sendFailure(ClaimRef(item: entry.item, fence: entry.fence), .worker("\(error)"))
            outbox.remove(item: entry.item, fence: entry.fence)
        } catch {
            detach()
        }
    }

    private func sendFailure(_ claim: ClaimRef, _ failure: RenderFailure) async {
        do { try await link?.send(.failure(claim, failure)) } catch { detach() }
    }

    /// Tops the coordinator's credit up to what we can hold.
    private func askForWork() async {
        guard let link, !draining else { return }
        let want = maxBatch * batchesAhead - itemsInHand - creditOutstanding
        guard want > 0 else { return }
        // Counted before sending: the assignment it brings may arrive before `send` returns.
        creditOutstanding += want
        do {
            try await link.send(.credit(want))
        } catch {
            detach()
        }
    }

    private func leaveIfDone() async {
        guard draining, !finished, queue.isEmpty, itemsInHand == 0 else { return }
        let waiting = (try? outbox.pending().count) ?? 0
        guard waiting == 0 else { return }
        try? await link?.send(.goodbye)
        finished = true
        wakeUp()
        for waiter in finishWaiters { waiter.resume() }
        finishWaiters = []
    }

    private func wakeUp() {
        wake?.resume()
        wake = nil
    }
}
