import FarmProtocol
import FarmStore
import Foundation
import Logging
import NIOCore

/// One authenticated client connection (docs/protocol.md, "Client → coordinator"): requests
/// answered in order. A client's mistake (an unknown job, a bad submission) is answered with
/// an error frame and the connection stays open; a protocol violation closes it.
struct ClientSession {
    let core: CoordinatorCore
    let logger: Logger
    let writer: FrameWriter
    /// Caps what uncommitted submissions hold; every byte taken is given back by this session.
    let buffers: SubmitBuffers

    /// A job being submitted: nothing is stored until the commit.
    struct PendingJob {
        var owner: String
        var priority: Int
        var settings: String
        var items: [SubmittedItem] = []
        /// Bytes taken from `buffers` for the items.
        var bytes = 0
        /// Why the submission was dropped (a cap); its commit is answered with this.
        var refusal: String?
    }

    func run(_ frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator) async throws {
        writer.send(Ready(coordinator: "sdfarm coordinator, protocol \(FarmProtocol.version)"))
        var pending: PendingJob?
        // However the connection ends, what the submission held is freed (and a large one's
        // heap handed back to the system, or the process keeps it resident).
        defer {
            if release(&pending) { SubmitBuffers.trimHeap() }
        }
        while let frame = try await frames.next() {
            let request: FromClient
            do {
                request = try FromClient(frame)
            } catch {
                writer.send(ErrorMessage(.protocolViolation, "\(error)"))
                throw error
            }
            do {
                try await answer(request, pending: &pending)
            } catch let mistake as ClientMistake {
                writer.send(ErrorMessage(mistake.code, mistake.message))
            } catch let error as StoreError {
                // The store refused or failed this request; the connection stays usable.
                switch error.kind {
                case .notFound: writer.send(ErrorMessage(.notFound, "\(error)"))
                case .invalidInput, .invalidState: writer.send(ErrorMessage(.badRequest, "\(error)"))
                default:
                    // The store itself failed (connection, database): an internal error, and
                    // this connection ends (the client sees why).
                    await core.clientRequestFailed(error)
                    writer.send(ErrorMessage(.internalError, "the coordinator's job store failed: \(error)"))
                    throw error
                }
            }
        }
    }

    /// Answers one request. When it lets go of a large buffered submission, the freed heap goes
    /// back to the system on the way out, once the items themselves are gone.
    private func answer(_ request: FromClient, pending: inout PendingJob?) async throws {
        var trim = false
        defer { if trim { SubmitBuffers.trimHeap() } }
        switch request {
        case .submitBegin(let b):
            trim = release(&pending)
            pending = PendingJob(owner: b.owner, priority: Int(b.priority), settings: b.settings)
        case .submitItems(let chunk):
            guard pending != nil else { throw ClientMistake("submit-items without submit-begin") }
            // A dropped submission's further items are not kept; its commit says why.
            guard pending!.refusal == nil else { return }
            guard pending!.items.count + chunk.items.count <= WireLimits.maxItemsPerJob else {
                trim = release(&pending)
                throw ClientMistake("a job may hold at most \(WireLimits.maxItemsPerJob) items")
            }
            switch buffers.take(
                chunk.items.reduce(0) { $0 + SubmitBuffers.bytes(of: $1) }, holding: pending!.bytes)
            {
            case .taken(let holding):
                pending!.bytes = holding
            case .overConnection:
                trim = drop(
                    &pending!,
                    "the coordinator holds at most \(SubmitBuffers.describe(buffers.perConnection)) of one uncommitted submission and this one passed it at item \(pending!.items.count); nothing stored. Submit fewer or shorter items per job (or raise --max-buffered-submit-mib)"
                )
                return
            case .overTotal:
                trim = drop(
                    &pending!,
                    "the coordinator already holds \(SubmitBuffers.describe(buffers.allConnections)) of uncommitted submissions; nothing stored, try again later"
                )
                return
            }
            for i in chunk.items {
                do {
                    try RenderSettingsValidation.check(i.spec)
                } catch {
                    let index = pending!.items.count
                    trim = release(&pending)
                    throw ClientMistake("item \(index): \(error); nothing stored")
                }
                pending!.items.append(
                    SubmittedItem(prompt: i.prompt, negativePrompt: i.negative, seed: i.seed, key: i.spec))
            }
        case .submitCommit(let c):
            guard let job = pending else { throw ClientMistake("submit-commit without submit-begin") }
            trim = release(&pending)
            if let refusal = job.refusal { throw ClientMistake(refusal) }
            guard !job.items.isEmpty else { throw ClientMistake("nothing to submit") }
            guard c.itemCount == job.items.count else {
                throw ClientMistake(
                    "submit-commit says \(c.itemCount) items, \(job.items.count) arrived; nothing stored")
            }
            let outcome = try await core.submit(
                owner: job.owner, priority: job.priority, settings: job.settings, items: job.items)
            writer.send(
                Submitted(
                    jobID: outcome.job.rawValue, items: outcome.items,
                    modelsNobodyHolds: Array(outcome.modelsNobodyHolds.prefix(WireLimits.maxModels))))
        case .status(let s):
            writer.send(StatusReply(try await core.status(jobLimit: s.jobLimit)))
        case .jobStatus(let r):
            writer.send(JobReply(job: try await summary(JobID(r.jobID))))
        case .cancel(let r):
            _ = try await core.cancel(job: JobID(r.jobID))
            writer.send(JobReply(job: try await summary(JobID(r.jobID))))
        case .pause(let r):
            _ = try await core.pause(job: JobID(r.jobID))
            writer.send(JobReply(job: try await summary(JobID(r.jobID))))
        case .resume(let r):
            _ = try await core.resume(job: JobID(r.jobID))
            writer.send(JobReply(job: try await summary(JobID(r.jobID))))
        case .retry(let r):
            _ = try await core.retry(job: JobID(r.jobID))
            writer.send(JobReply(job: try await summary(JobID(r.jobID))))
        case .drainWorker(let d):
            guard await core.drainWorker(named: d.name) else {
                throw ClientMistake(.notFound, "no connected worker named \(d.name)")
            }
            writer.send(Notice(text: "worker \(d.name) is draining"))
        case .unblock(let u):
            guard try await core.jobStore.job(JobID(u.jobID)) != nil else {
                throw ClientMistake(.notFound, "no job \(u.jobID)")
            }
            let lifted = try await core.unblock(
                job: JobID(u.jobID), worker: u.worker.map(WorkerID.init(rawValue:)))
            let whom = u.worker.map { "worker \($0)" } ?? "every worker"
            writer.send(
                Notice(text: "lifted \(lifted) block\(lifted == 1 ? "" : "s") of \(whom) for job \(u.jobID)"))
        case .watch(let w):
            try await watch(JobID(w.jobID))
        case .fetchResults(let f):
            try await sendResults(f)
        }
    }

    /// Gives back what `pending` held and forgets it; true when it was large (see `trimHeap`).
    private func release(_ pending: inout PendingJob?) -> Bool {
        guard let job = pending else { return false }
        pending = nil
        return buffers.give(job.bytes)
    }

    /// Drops a submission's items (a cap was passed); its commit is answered with `why`. True
    /// when what it held was large (see `trimHeap`).
    private func drop(_ job: inout PendingJob, _ why: String) -> Bool {
        job.items = []
        let large = buffers.give(job.bytes)
        job.bytes = 0
        job.refusal = why
        return large
    }

    /// The job's counts and why it waits, or a not-found mistake.
    func summary(_ id: JobID) async throws -> JobSummary {
        guard let record = try await core.jobStore.job(id) else {
            throw ClientMistake(.notFound, "no job \(id.rawValue)")
        }
        return await core.summary(of: record)
    }

    /// Events until the job ends. A watch-job goes out at least every few seconds, so the
    /// client can tell a quiet job from a dead coordinator.
    private func watch(_ id: JobID) async throws {
        let first = try await summary(id)
        writer.send(WatchJob(job: first))
        if first.isFinished {
            writer.send(WatchEnd(job: first))
            return
        }
        let subscription = await core.progress.subscribe(job: id.rawValue)
        let core = self.core
        let keepAlive = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(Timeouts.watchKeepAlive))
                await core.publishJob(id.rawValue)
            }
        }
        defer { keepAlive.cancel() }
        do {
            while let events = await core.progress.next(subscription) {
                var frames: [Frame] = []
                for event in events {
                    switch event {
                    case .progress(let p):
                        frames.append(
                            WatchProgress(
                                worker: p.worker,
                                progress: BatchProgress(
                                    jobID: p.job, itemIDs: Array(p.items.prefix(WireLimits.maxItemsPerFrame)),
                                    step: p.step, totalSteps: p.totalSteps,
                                    preview: Preview(
                                        width: p.previewWidth, height: p.previewHeight, rgb: p.preview))
                            ).frame())
                    case .job(let record):
                        frames.append(WatchJob(job: await core.summary(of: record)).frame())
                    }
                }
                // Waits for the write: a client that stops reading stops this watch, not the farm.
                try await writer.sendAndWait(frames)
            }
        } catch {
            await core.progress.unsubscribe(subscription)
            throw error
        }
        writer.send(WatchEnd(job: try await summary(id)))
    }

    /// One page: a result-item per item, each done item's PNG after it in chunks, then results-end.
    private func sendResults(_ f: FetchResults) async throws {
        let id = JobID(f.jobID)
        guard try await core.jobStore.job(id) != nil else {
            throw ClientMistake(.notFound, "no job \(f.jobID)")
        }
        let items = try await core.jobStore.items(ItemFilter(job: id, fromIndex: f.fromIndex, limit: f.limit))
        for item in items {
            var png: [UInt8] = []
            if f.images, item.state == .done, let result = item.result {
                png = try core.results.read(sha256: result.sha256, kind: .png)
            }
            var frames = [
                ResultItem(
                    index: item.index, prompt: item.spec.prompt, negative: item.spec.negativePrompt,
                    seed: item.spec.seed,
                    settings: item.spec.batchKey, state: item.state.rawValue,
                    sha256: item.result.flatMap { Digest.bytes(hex: $0.sha256) },
                    worker: item.completedBy?.rawValue, error: item.lastError.map { String($0.prefix(4096)) },
                    imageSize: png.count
                ).frame()
            ]
            var offset = 0
            while offset < png.count {
                let n = min(WireLimits.maxChunk, png.count - offset)
                frames.append(ResultItemChunk(data: Array(png[offset..<offset + n])).frame())
                offset += n
            }
            try await writer.sendAndWait(frames)
        }
        writer.send(
            ResultsEnd(more: items.count == f.limit, nextIndex: (items.last?.index ?? f.fromIndex - 1) + 1))
    }
}

/// A client's mistake: answered with an error frame; the connection stays open.
struct ClientMistake: Error {
    var code: ErrorMessage.Code
    var message: String
    init(_ code: ErrorMessage.Code = .badRequest, _ message: String) {
        self.code = code
        self.message = message
    }
    init(_ message: String) { self.init(.badRequest, message) }
}
