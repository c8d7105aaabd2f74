import FarmCoordinator
import FarmStore
import FarmWorker
import Foundation
import Logging
import Synchronization

/// Connects one `WorkerAgent` to a `CoordinatorCore` in one process, the way the server and
/// the worker's connection do over TCP but without the codec (for `sdfarm bench farm` and the
/// farm tests): commands flow in order through a
/// pipe, reports are carried out in order, results are written into the result store before
/// the coordinator hears of them. `cut()` drops the connection like a pulled cable.
final class InProcessBridge: Sendable {
    let core: CoordinatorCore
    let agent: WorkerAgent
    let worker: WorkerID
    private let state = Mutex(BridgeState())
    private let pipe: AsyncStream<CoordinatorMessage>.Continuation
    private let stream: AsyncStream<CoordinatorMessage>

    private struct BridgeState {
        var cut = false
        var connection = 0
    }

    init(core: CoordinatorCore, agent: WorkerAgent, worker: WorkerID) {
        self.core = core
        self.agent = agent
        self.worker = worker
        (stream, pipe) = AsyncStream.makeStream(of: CoordinatorMessage.self)
    }

    var isCut: Bool { state.withLock { $0.cut } }

    /// Handshake; returns the session as the worker's runner uses it (single use: a new
    /// connection needs a new bridge).
    func open(capabilities: WorkerCapabilities) async throws -> WorkerSessionIO {
        let connection = try await core.workerConnected(
            id: worker, name: worker.rawValue, capabilities: capabilities, link: CoordinatorSide(bridge: self)
        )
        state.withLock { $0.connection = connection }
        let stream = self.stream
        let incoming = AsyncThrowingStream<CoordinatorMessage, any Error> { continuation in
            let forward = Task {
                for await message in stream { continuation.yield(message) }
                continuation.finish(throwing: BridgeCut())
            }
            continuation.onTermination = { _ in forward.cancel() }
        }
        return WorkerSessionIO(
            incoming: incoming, link: WorkerSide(bridge: self), close: { await self.cut() })
    }

    /// Handshake, then forwards commands to the agent until cut. Returns once attached.
    func connect(capabilities: WorkerCapabilities) async throws {
        let session = try await open(capabilities: capabilities)
        let agent = self.agent
        let worker = self.worker
        Task {
            do {
                for try await message in session.incoming { await agent.receive(message) }
            } catch is BridgeCut {
                // The connection was cut on purpose (`cut()`, a test's pulled cable).
            } catch {
                Logger(label: "sdfarm.bridge").error(
                    "in-process connection of worker \(worker.rawValue) ended: \(error)")
            }
        }
        await agent.attach(session.link)
    }

    /// The connection drops: neither side can send any more.
    func cut() async {
        let (wasCut, connection) = state.withLock { s -> (Bool, Int) in
            defer { s.cut = true }
            return (s.cut, s.connection)
        }
        guard !wasCut else { return }
        pipe.finish()
        await agent.detach()
        await core.workerDisconnected(id: worker, connection: connection, reason: "connection cut")
    }

    fileprivate func deliver(_ command: WorkerCommand) {
        guard !isCut else { return }
        switch command {
        case .assign(let batch):
            pipe.yield(
                .assign(
                    WorkBatch(
                        settings: batch.key,
                        leaseTTL: batch.leaseTTL,
                        items: batch.items.map {
                            WorkBatch.Item(
                                claim: ClaimRef(item: $0.lease.item, fence: $0.lease.fence), job: $0.job,
                                index: $0.index,
                                prompt: $0.prompt, negativePrompt: $0.negativePrompt, seed: $0.seed)
                        })))
        case .resultAccepted(let lease):
            pipe.yield(.resultAccepted(item: lease.item, fence: lease.fence))
        case .resultRefused(let lease, let reason):
            pipe.yield(.resultRefused(item: lease.item, fence: lease.fence, reason: reason))
        case .resultRetryLater(let lease, let after, let reason):
            pipe.yield(.resultRetryLater(item: lease.item, fence: lease.fence, after: after, reason: reason))
        case .cancel(let leases):
            pipe.yield(.cancel(leases.map { ClaimRef(item: $0.item, fence: $0.fence) }))
        case .drain:
            pipe.yield(.drain)
        }
    }

    fileprivate func report(_ report: WorkerReport) async throws {
        guard !isCut else { throw BridgeCut() }
        let connection = state.withLock { $0.connection }
        switch report {
        case .credit(let n):
            await core.workerCredit(id: worker, items: n)
        case .heartbeat:
            await core.workerHeartbeat(id: worker)
        case .progress(let job, let items, let step, let total, let preview, let w, let h):
            await core.workerProgress(
                WorkerProgress(
                    worker: worker.rawValue, job: job, items: items, step: step, totalSteps: total,
                    preview: preview, previewWidth: w, previewHeight: h))
        case .result(let entry, let png, let latents):
            // As the server's connection does (`resultNotStored` decides whose fault it was).
            let lease = LeaseRef(item: entry.item, fence: entry.fence)
            guard await core.acceptsResults() else {
                await core.resultNotStored(id: worker, lease: lease, error: .belowReserve(core.results.root))
                return
            }
            let results = core.results
            do {
                let storedPNG = try results.put(png, sha256: entry.pngSHA256, kind: .png)
                let storedLatents = try results.put(latents, sha256: entry.latentsSHA256, kind: .latents)
                await core.workerResult(id: worker, lease: lease, png: storedPNG, latents: storedLatents)
            } catch let error as ResultStoreError {
                await core.resultNotStored(id: worker, lease: lease, error: error)
            }
        case .failure(let claim, let failure):
            await core.workerFailure(
                id: worker, lease: LeaseRef(item: claim.item, fence: claim.fence), failure)
        case .goodbye:
            await core.workerDisconnected(id: worker, connection: connection, reason: "goodbye")
        }
    }

    struct CoordinatorSide: WorkerLink {
        let bridge: InProcessBridge
        func send(_ command: WorkerCommand) { bridge.deliver(command) }
        func close(reason: String) { Task { await bridge.cut() } }
    }

    struct WorkerSide: CoordinatorLink {
        let bridge: InProcessBridge
        func send(_ report: WorkerReport) async throws { try await bridge.report(report) }
    }

    struct BridgeCut: Error {}
}
