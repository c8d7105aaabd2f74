import FarmCoordinator
import FarmStore
import Foundation
import NIOCore

extension CoordinatorWireSession {
    static let maxItemsPerJob = 1_000_000
    static let maxResultsPerFetch = 256

    func runClient(user: String, reader: inout WireReader, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        var pending: (owner: String, priority: Int, settings: String, items: [SubmittedItem])?
        while let message = try await reader.next() {
            do {
                switch message {
                case .submitBegin(_, let priority, let settings):
                    pending = (user, priority, settings, [])
                case .submitItems(let items):
                    guard pending != nil else { throw WireError("submitItems without submitBegin") }
                    guard pending!.items.count + items.count <= Self.maxItemsPerJob else {
                        pending = nil
                        throw ClientError("a job may hold at most \(Self.maxItemsPerJob) items")
                    }
                    for item in items {
                        pending!.items.append(
                            SubmittedItem(
                                prompt: item.prompt, negativePrompt: item.negative, seed: item.seed,
                                key: BatchKey(model: item.model, width: item.width, height: item.height, steps: item.steps, sampler: item.sampler, schedule: item.schedule, cfg: item.cfg)))
                    }
                case .submitEnd:
                    guard let job = pending, !job.items.isEmpty else { throw ClientError("nothing to submit") }
                    pending = nil
                    let outcome = try await core.submit(owner: job.owner, priority: job.priority, settings: job.settings, items: job.items)
                    try await outbound.send(.submitted(job: outcome.job.rawValue, items: outcome.items, modelsNobodyHolds: outcome.modelsNobodyHolds))
                case .status(let limit):
                    let status = StatusView(try await core.status(jobLimit: max(1, min(limit, 1000))))
                    try await outbound.send(.statusReply(json: try StatusText.json(status)))
                case .jobStatus(let job):
                    try await outbound.send(.jobReply(try await wireJob(JobID(job))))
                case .control(let verb, let job):
                    let id = JobID(job)
                    switch verb {
                    case "cancel": _ = try await core.cancel(job: id)
                    case "pause": _ = try await core.pause(job: id)
                    case "resume": _ = try await core.resume(job: id)
                    case "retry": _ = try await core.retry(job: id)
                    default: throw ClientError("unknown command \(verb)")
                    }
                    try await outbound.send(.jobReply(try await wireJob(id)))
                case .drainWorker(let name):
                    guard await core.drainWorker(named: name) else { throw ClientError("no connected worker named \(name)") }
                    try await outbound.send(.done(message: "worker \(name) is draining"))
                case .watch(let job):
                    try await watch(JobID(job), outbound: outbound)
                case .fetchResults(let job, let from, let limit):
                    try await sendResults(JobID(job), from: from, limit: limit, outbound: outbound)
                default:
                    throw WireError("unexpected message from a client")
                }
            } catch let error as ClientError {
                try await outbound.send(.error(message: error.message))
            } catch let error as StoreError {
                try await outbound.send(.error(message: error.kind == .notFound ? "no such job" : "\(error)"))
            }
        }
    }

    func wireJob(_ id: JobID) async throws -> WireJob {
        guard let record = try await core.jobStore.job(id) else { throw ClientError("no job \(id.rawValue)") }
        let status = try await core.status(jobLimit: 1000)
        let waiting = status.jobs.first { $0.record.id == id }?.waiting
        let p = record.progress
        return WireJob(
            id: id.rawValue, state: record.state.rawValue, total: p.total, queued: p.queued, leased: p.leased, done: p.done,
            failed: p.failed, cancelled: p.cancelled, waiting: waiting)
    }

    private func watch(_ id: JobID, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        let subscription = await core.progress.subscribe(job: id.rawValue)
        do {
            let first = try await wireJob(id)
            try await outbound.send(.watchEvent(.job(first)))
            if ["done", "failed", "cancelled"].contains(first.state) {
                await core.progress.unsubscribe(subscription)
                try await outbound.send(.watchEnd)
                return
            }
            while let events = await core.progress.next(subscription) {
                for event in events {
                    switch event {
                    case .progress(let p):
                        try await outbound.send(
                            .watchEvent(.progress(worker: p.worker, WireProgress(job: p.job, items: p.items, step: p.step, totalSteps: p.totalSteps, preview: Data(p.preview), previewWidth: p.previewWidth, previewHeight: p.previewHeight))))
                    case .job(let record):
                        let pr = record.progress
                        try await outbound.send(
                            .watchEvent(.job(WireJob(id: record.id.rawValue, state: record.state.rawValue, total: pr.total, queued: pr.queued, leased: pr.leased, done: pr.done, failed: pr.failed, cancelled: pr.cancelled, waiting: nil))))
                    }
                }
            }
            try await outbound.send(.watchEnd)
        } catch {
            await core.progress.unsubscribe(subscription)
            throw error
        }
    }

    private func sendResults(_ id: JobID, from: Int, limit: Int, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        let limit = max(1, min(limit, Self.maxResultsPerFetch))
        let items = try await core.jobStore.items(ItemFilter(job: id, fromIndex: max(0, from), limit: limit))
        var out: [WireResultItem] = []
        for item in items {
            var png: Data?
            if item.state == .done, let result = item.result {
                png = Data(try core.results.read(sha256: result.sha256, kind: .png))
            }
            out.append(
                WireResultItem(
                    index: item.index, prompt: item.spec.prompt, negative: item.spec.negativePrompt, seed: item.spec.seed,
                    settings: item.spec.batchKey, state: item.state.rawValue, sha256: item.result?.sha256,
                    worker: item.completedBy?.rawValue, error: item.lastError, png: png))
        }
        try await outbound.send(.results(out, more: items.count == limit))
    }
}

/// A client's mistake: answered with an error message, the connection stays open.
struct ClientError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
