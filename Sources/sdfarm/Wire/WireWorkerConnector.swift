import FarmWorker
import Foundation
import NIOCore
import Synchronization

/// INTERIM WIRE, worker side: connects, proves the token, announces capabilities, and hands
/// the runner a session. A refused token is fatal (no retry); anything else is retried by the
/// runner with backoff.
struct WireWorkerConnector: Sendable {
    let host: String
    let port: Int
    let token: [UInt8]
    let name: String
    let capabilities: WireCapabilities
    let group: EventLoopGroup

    func connect() async throws -> WorkerSessionIO {
        let channel = try await WireChannel.connect(host: host, port: port, group: group)
        let (incoming, incomingSink) = AsyncThrowingStream.makeStream(of: CoordinatorMessage.self)
        let (outgoing, outgoingSink) = AsyncStream.makeStream(of: WireMessage.self)
        let handshake = AsyncThrowingStream.makeStream(of: Void.self)
        let token = self.token, name = self.name, capabilities = self.capabilities
        let nioChannel = channel.channel

        Task {
            do {
                try await channel.executeThenClose { inbound, outbound in
                    var reader = WireReader(iterator: inbound.makeAsyncIterator())
                    try await outbound.send(.hello(WireHello(magic: WireHello.magic, version: WireHello.version, role: "worker", name: name)))
                    guard case .challenge(let nonce) = try await reader.expect("challenge") else { throw WireError("expected a challenge") }
                    try await outbound.send(.proof(mac: WireAuth.mac(token: token, nonce: nonce, role: "worker", name: name), capabilities: capabilities))
                    switch try await reader.expect("welcome") {
                    case .welcome: handshake.continuation.finish()
                    case .refused(let reason): throw FatalConnectionError("the coordinator refused this worker: \(reason)")
                    default: throw WireError("expected welcome")
                    }
                    let writer = Task {
                        for await message in outgoing { try await outbound.send(message) }
                    }
                    defer { writer.cancel() }
                    while let message = try await reader.next() {
                        if let mapped = Self.map(message) { incomingSink.yield(mapped) }
                    }
                    incomingSink.finish()
                }
            } catch {
                handshake.continuation.finish(throwing: error)
                incomingSink.finish(throwing: error)
            }
            outgoingSink.finish()
        }
        // Wait for the handshake's outcome.
        for try await _ in handshake.stream {}
        let link = Link(sink: outgoingSink)
        return WorkerSessionIO(incoming: incoming, link: link, close: { try? await nioChannel.close() })
    }

    struct Link: CoordinatorLink {
        let sink: AsyncStream<WireMessage>.Continuation

        func send(_ report: WorkerReport) async throws {
            let message: WireMessage
            switch report {
            case .credit(let n): message = .credit(items: n)
            case .heartbeat: message = .heartbeat
            case .progress(let job, let items, let step, let total, let preview, let w, let h):
                message = .progress(WireProgress(job: job, items: items, step: step, totalSteps: total, preview: Data(preview), previewWidth: w, previewHeight: h))
            case .result(let entry, let png, let latents):
                message = .result(WireResult(item: entry.item, fence: entry.fence, job: entry.job, png: Data(png), pngSHA256: entry.pngSHA256, latents: Data(latents), latentsSHA256: entry.latentsSHA256))
            case .failure(let claim, let failure):
                let kind: String
                switch failure {
                case .outOfMemory: kind = "out_of_memory"
                case .invalidRequest: kind = "invalid_request"
                case .unavailable: kind = "unavailable"
                case .failed: kind = "failed"
                }
                message = .failure(item: claim.item, fence: claim.fence, kind: kind, message: failure.description)
            case .goodbye: message = .goodbye
            }
            if case .terminated = sink.yield(message) { throw WireError("connection closed") }
        }
    }

    static func map(_ message: WireMessage) -> CoordinatorMessage? {
        switch message {
        case .assign(let b):
            return .assign(
                WorkBatch(
                    settings: RenderSettings(model: b.model, width: b.width, height: b.height, steps: b.steps, sampler: b.sampler, schedule: b.schedule, cfg: b.cfg),
                    leaseTTL: b.leaseTTL,
                    items: b.items.map {
                        WorkBatch.Item(claim: ClaimRef(item: $0.item, fence: $0.fence), job: $0.job, index: $0.index, prompt: $0.prompt, negativePrompt: $0.negative, seed: $0.seed)
                    }))
        case .resultAccepted(let item, let fence): return .resultAccepted(item: item, fence: fence)
        case .resultRefused(let item, let fence, let reason): return .resultRefused(item: item, fence: fence, reason: reason)
        case .cancel(let items, let fences): return .cancel(zip(items, fences).map { ClaimRef(item: $0, fence: $1) })
        case .drain: return .drain
        default: return nil
        }
    }
}
