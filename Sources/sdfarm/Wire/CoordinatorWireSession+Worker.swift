import FarmCoordinator
import FarmStore
import Foundation
import NIOCore

extension CoordinatorWireSession {
    /// Commands to the worker go through one queue, written in order by one task.
    struct QueuedWorkerLink: WorkerLink {
        let queue: AsyncStream<WireMessage>.Continuation
        let channel: Channel

        func send(_ command: WorkerCommand) {
            switch command {
            case .assign(let b):
                queue.yield(
                    .assign(
                        WireBatch(
                            model: b.key.model, width: b.key.width, height: b.key.height, steps: b.key.steps, sampler: b.key.sampler,
                            schedule: b.key.schedule, cfg: b.key.cfg, leaseTTL: b.leaseTTL,
                            items: b.items.map {
                                WireBatchItem(item: $0.lease.item, fence: $0.lease.fence, job: $0.job, index: $0.index, prompt: $0.prompt, negative: $0.negativePrompt, seed: $0.seed)
                            })))
            case .resultAccepted(let lease): queue.yield(.resultAccepted(item: lease.item, fence: lease.fence))
            case .resultRefused(let lease, let reason): queue.yield(.resultRefused(item: lease.item, fence: lease.fence, reason: reason))
            case .cancel(let leases): queue.yield(.cancel(items: leases.map(\.item), fences: leases.map(\.fence)))
            case .drain: queue.yield(.drain)
            }
        }

        func close(reason: String) {
            queue.finish()
            channel.close(promise: nil)
        }
    }

    func runWorker(
        name: String, capabilities: WireCapabilities, reader: inout WireReader, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: Channel
    ) async throws {
        let id = WorkerID(name)
        let caps = WorkerCapabilities(
            device: capabilities.device, memoryBytes: capabilities.memoryBytes, threads: capabilities.threads,
            maxBatch: max(1, min(capabilities.maxBatch, 64)),
            models: capabilities.models.sorted(by: { $0.key < $1.key }).map { .init(name: $0.key, sha256: $0.value) })
        let (queue, continuation) = AsyncStream.makeStream(of: WireMessage.self)
        try await outbound.send(.welcome(worker: name))
        let writer = Task {
            for await message in queue { try await outbound.send(message) }
        }
        let connection = try await core.workerConnected(id: id, name: name, capabilities: caps, link: QueuedWorkerLink(queue: continuation, channel: channel))
        defer { writer.cancel() }
        do {
            loop: while let message = try await reader.next() {
                switch message {
                case .credit(let items):
                    guard (0...10_000).contains(items) else { throw WireError("credit \(items) out of range") }
                    await core.workerCredit(id: id, items: items)
                case .heartbeat:
                    await core.workerHeartbeat(id: id)
                case .progress(let p):
                    guard p.preview.count <= 256 * 256 * 3 else { throw WireError("preview too large") }
                    await core.workerProgress(
                        WorkerProgress(worker: name, job: p.job, items: p.items, step: p.step, totalSteps: p.totalSteps, preview: [UInt8](p.preview), previewWidth: p.previewWidth, previewHeight: p.previewHeight))
                case .result(let r):
                    // Written (fsynced, renamed) before the job store hears of it; a bad digest
                    // is a failed try of this item on this worker.
                    let lease = LeaseRef(item: r.item, fence: r.fence)
                    do {
                        let png = try core.results.put([UInt8](r.png), sha256: r.pngSHA256, kind: .png)
                        let latents = try core.results.put([UInt8](r.latents), sha256: r.latentsSHA256, kind: .latents)
                        await core.workerResult(id: id, lease: lease, png: png, latents: latents)
                    } catch let error as ResultStoreError {
                        if case .io = error.kind {
                            await core.workerFailure(id: id, lease: lease, cause: .coordinator, message: "\(error)")
                        } else {
                            await core.workerFailure(id: id, lease: lease, cause: .worker, message: "\(error)")
                        }
                        continuation.yield(.resultRefused(item: r.item, fence: r.fence, reason: "\(error)"))
                    }
                case .failure(let item, let fence, let kind, let text):
                    let cause: FailureCause
                    switch kind {
                    case "out_of_memory": cause = .outOfMemory
                    case "invalid_request": cause = .job
                    default: cause = .worker
                    }
                    await core.workerFailure(id: id, lease: LeaseRef(item: item, fence: fence), cause: cause, message: String(text.prefix(2000)))
                case .goodbye:
                    break loop
                default:
                    throw WireError("unexpected message from a worker")
                }
            }
        } catch {
            continuation.finish()
            await core.workerDisconnected(id: id, connection: connection, reason: "\(error)")
            throw error
        }
        continuation.finish()
        await core.workerDisconnected(id: id, connection: connection, reason: "goodbye")
        _ = await writer.result
    }
}
