import FarmProtocol
import Foundation
import Synchronization

/// The agent's reports as frames on one connection. Results go out as begin/chunks/end in one
/// group (never interleaved with another result), and `send` returns once they are written;
/// progress goes through the throttle (lossy).
final class FrameCoordinatorLink: CoordinatorLink {
    let writer: FrameWriter
    let throttle: ProgressSender
    let chunkSize: Int
    private let heartbeats = Mutex<UInt64>(0)

    init(writer: FrameWriter, throttle: ProgressSender, chunkSize: Int) {
        self.writer = writer
        self.throttle = throttle
        self.chunkSize = chunkSize
    }

    func send(_ report: WorkerReport) async throws {
        switch report {
        case .credit(let n):
            guard n > 0 else { return }
            try sent(writer.send(Credit(count: UInt16(min(n, WireLimits.maxItemsPerFrame)))))
        case .heartbeat:
            let sequence = heartbeats.withLock {
                $0 += 1; return $0
            }
            try sent(writer.send(Heartbeat(sequence: sequence)))
        case .progress(let job, let items, let step, let total, let preview, let w, let h):
            throttle.offer(
                BatchProgress(
                    jobID: job, itemIDs: Array(items.prefix(WireLimits.maxItemsPerFrame)),
                    step: min(step, total), totalSteps: max(1, total),
                    preview: Preview.fitting(rgb: preview, width: w, height: h)))
        case .result(let entry, let png, let latents):
            guard let pngSHA = Digest.bytes(hex: entry.pngSHA256),
                let latentsSHA = Digest.bytes(hex: entry.latentsSHA256)
            else {
                throw OutboxError(
                    path: "\(entry.item)-\(entry.fence)", reason: "entry digests are not sha256 hex")
            }
            let begin = ResultBegin(
                itemID: entry.item, fence: entry.fence, jobID: entry.job, elapsed: max(0, entry.elapsed),
                batchSize: max(1, min(entry.batchSize, WireLimits.maxItemsPerFrame)),
                pngSize: png.count, pngSHA256: pngSHA, latentsSize: latents.count, latentsSHA256: latentsSHA)
            try await writer.sendAndWait(
                ResultReassembly.frames(begin, png: png, latents: latents, chunkSize: chunkSize))
        case .failure(let claim, let failure):
            try sent(writer.send(Failure(itemID: claim.item, fence: claim.fence, failure: failure)))
        case .goodbye:
            try await writer.sendAndWait([Goodbye(reason: "drained").frame()])
        }
    }

    private func sent(_ ok: Bool) throws {
        if !ok { throw ConnectionClosed("the connection to the coordinator is closed") }
    }
}

/// Progress through a `ProgressThrottle`, with a timer for the value left waiting.
final class ProgressSender: Sendable {
    private struct State {
        var throttle: ProgressThrottle<BatchProgress>
        var timerArmed = false
        var reportedDrops = 0
    }
    private let state: Mutex<State>
    private let writer: FrameWriter
    private let dropped: ProgressDropCounter
    private let epoch = ContinuousClock.now

    init(interval: Double, writer: FrameWriter, dropped: ProgressDropCounter) {
        state = Mutex(State(throttle: ProgressThrottle(interval: interval)))
        self.writer = writer
        self.dropped = dropped
    }

    private var now: Double {
        let d = ContinuousClock.now - epoch
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    func offer(_ p: BatchProgress) {
        let t = now
        let (send, armAt) = state.withLock { s -> (BatchProgress?, Double?) in
            let send = s.throttle.offer(p, now: t)
            var armAt: Double?
            if send == nil, !s.timerArmed, let due = s.throttle.nextDue {
                s.timerArmed = true
                armAt = due
            }
            countDrops(&s)
            return (send, armAt)
        }
        if let send { writer.send(send) }
        if let armAt {
            Task {
                try? await Task.sleep(for: .milliseconds(Int(max(0, armAt - t) * 1000) + 1))
                self.fire()
            }
        }
    }

    private func fire() {
        let t = now
        let (send, again) = state.withLock { s -> (BatchProgress?, Double?) in
            s.timerArmed = false
            let send = s.throttle.flush(now: t)
            var again: Double?
            if send == nil, let due = s.throttle.nextDue {
                s.timerArmed = true
                again = due
            }
            return (send, again)
        }
        if let send { writer.send(send) }
        if let again {
            Task {
                try? await Task.sleep(for: .milliseconds(Int(max(0, again - t) * 1000) + 1))
                self.fire()
            }
        }
    }

    private func countDrops(_ s: inout State) {
        let new = s.throttle.dropped - s.reportedDrops
        if new > 0 {
            dropped.add(new)
            s.reportedDrops = s.throttle.dropped
        }
    }
}
