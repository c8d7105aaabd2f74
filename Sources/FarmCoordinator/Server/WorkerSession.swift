import FarmProtocol
import FarmStore
import Foundation
import Logging
import NIOCore

/// One authenticated worker connection (docs/protocol.md, "Worker → coordinator"): hello and
/// welcome, then frames into calls on the core, and the core's commands out as frames.
struct WorkerSession {
    let core: CoordinatorCore
    let logger: Logger
    let writer: FrameWriter
    let channel: Channel
    let heartbeatInterval: Duration

    func run(_ frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator, handshakeDone: () -> Void)
        async throws
    {
        guard let first = try await frames.next() else { throw ConnectionEnded("before its hello") }
        let hello: Hello
        do {
            hello = try Hello.decode(frame: first)
            guard !hello.name.isEmpty else { throw ProtocolError.invalidValue(field: "name", value: 0) }
        } catch {
            writer.send(ErrorMessage(.protocolViolation, "expected hello: \(error)"))
            throw error
        }
        handshakeDone()
        let id = WorkerID(hello.name)
        let maxBatch = max(1, min(Int(hello.maxBatch), 64))
        let capabilities = WorkerCapabilities(
            device: hello.device, memoryBytes: hello.memoryBytes, threads: Int(hello.threads),
            maxBatch: maxBatch,
            models: hello.models.map { .init(name: $0.name, sha256: Digest.hex($0.sha256)) })
        let intervalMS = max(
            1,
            UInt32(
                clamping: heartbeatInterval.components.seconds * 1000 + heartbeatInterval.components
                    .attoseconds / 1_000_000_000_000_000))
        let config = core.config
        writer.send(
            Welcome(
                workerID: hello.name, maxBatch: UInt16(maxBatch), models: hello.models,
                heartbeatIntervalMS: intervalMS,
                heartbeatTimeoutMS: max(intervalMS, UInt32(clamping: Int(config.heartbeatTimeout * 1000))),
                defaultLeaseTTLMS: UInt32(clamping: Int(config.lease.floor * 1000))))
        let link = WorkerFrameLink(
            writer: writer, channel: channel,
            models: Dictionary(hello.models.map { ($0.name, $0.sha256) }, uniquingKeysWith: { a, _ in a }))
        let connection = try await core.workerConnected(
            id: id, name: hello.name, capabilities: capabilities, link: link)
        var incoming = IncomingResult(results: core.results)
        defer { incoming.abort() }
        do {
            loop: while let frame = try await frames.next() {
                switch try FromWorker(frame) {
                case .heartbeat(let h):
                    await core.workerHeartbeat(id: id)
                    writer.send(HeartbeatAck(sequence: h.sequence))
                case .credit(let c):
                    await core.workerCredit(id: id, items: Int(c.count))
                case .progress(let p):
                    await core.workerProgress(
                        WorkerProgress(
                            worker: hello.name, job: p.jobID, items: p.itemIDs, step: p.step,
                            totalSteps: p.totalSteps, preview: p.preview.rgb,
                            previewWidth: p.preview.width, previewHeight: p.preview.height))
                case .resultBegin(let b):
                    try incoming.begin(b, accepting: await core.acceptsResults())
                case .resultChunk(let c):
                    try incoming.chunk(c)
                case .resultEnd(let e):
                    let (begin, stored) = try incoming.end(e)
                    let lease = LeaseRef(item: begin.itemID, fence: begin.fence)
                    switch stored {
                    case .success(let files):
                        await core.workerResult(id: id, lease: lease, png: files.png, latents: files.latents)
                    case .failure(let error):
                        await core.resultNotStored(id: id, lease: lease, error: error)
                    }
                case .failure(let f):
                    await core.workerFailure(
                        id: id, lease: LeaseRef(item: f.itemID, fence: f.fence), f.failure)
                case .goodbye:
                    break loop
                case .error(let e):
                    logger.info("worker \(hello.name) reported an error: \(e.message)")
                    break loop
                case .hello:
                    throw ProtocolError.outOfOrder("a second hello")
                }
            }
        } catch {
            if let e = error as? ProtocolError { writer.send(ErrorMessage(.protocolViolation, "\(e)")) }
            await core.workerDisconnected(id: id, connection: connection, reason: "\(error)")
            throw error
        }
        await core.workerDisconnected(id: id, connection: connection, reason: "goodbye")
    }
}

/// The core's commands to one worker, as frames on the connection's writer.
struct WorkerFrameLink: WorkerLink {
    let writer: FrameWriter
    let channel: Channel
    /// The sha256 of each model as the worker announced it (sent back in assign).
    let models: [String: [UInt8]]

    func send(_ command: WorkerCommand) {
        switch command {
        case .assign(let b):
            let k = b.key
            writer.send(
                Assign(
                    spec: k,
                    modelSHA256: models[k.model] ?? [UInt8](repeating: 0, count: 32),
                    leaseTTLMS: UInt32(clamping: Int((b.leaseTTL * 1000).rounded())),
                    items: b.items.map {
                        Assign.Item(
                            itemID: $0.lease.item, fence: $0.lease.fence, jobID: $0.job, index: $0.index,
                            seed: $0.seed, prompt: $0.prompt, negative: $0.negativePrompt)
                    }))
        case .resultAccepted(let lease):
            writer.send(ResultAck(itemID: lease.item, fence: lease.fence))
        case .resultRefused(let lease, let reason):
            writer.send(ResultRefused(itemID: lease.item, fence: lease.fence, reason: reason))
        case .resultRetryLater(let lease, let after, let reason):
            let ms = UInt32(clamping: Int((after * 1000).rounded()))
            writer.send(
                ResultAck(
                    itemID: lease.item, fence: lease.fence, status: .retryLater(afterMS: ms, reason: reason)))
        case .cancel(let leases):
            writer.send(leases.map { Cancel(itemID: $0.item, fence: $0.fence).frame() })
        case .drain:
            writer.send(Drain(reason: "asked to drain"))
        }
    }

    func close(reason: String) {
        writer.send(ErrorMessage(.closing, reason))
        writer.finish()
    }
}
