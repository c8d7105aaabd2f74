import NIOCore

@testable import FarmProtocol

/// One example of every message, with every optional field both set and unset somewhere, and
/// the direction it travels in (so the direction's decoder is tested too).
struct Sample: Sendable, CustomStringConvertible {
    enum Direction: Sendable { case handshake, fromWorker, toWorker, fromClient, toClient }
    let message: any WireMessage
    let direction: Direction
    var description: String { String(describing: type(of: message)) }
}

let digestA = [UInt8](repeating: 0xAB, count: 32)
let digestB = (0..<32).map { UInt8($0) }
let spec = RenderSettings(
    model: "sd15", width: 512, height: 768, steps: 25, sampler: "euler_a", schedule: "karras", cfg: 7.5,
    rng: "philox", timestepSpacing: "trailing")
let plainSpec = RenderSettings(
    model: "tiny", width: 64, height: 64, steps: 3, sampler: "euler", schedule: "default", cfg: 5)
let job = JobSummary(
    id: 7, state: "active", priority: -2, total: 100, queued: 40, leased: 10, done: 45, failed: 5,
    cancelled: 0,
    waiting: "no connected worker holds model sd15", imagesPerMinute: 12.5)
let doneJob = JobSummary(
    id: 8, state: "done", priority: 0, total: 1, queued: 0, leased: 0, done: 1, failed: 0, cancelled: 0)
let preview = Preview(width: 2, height: 3, rgb: Array(0..<18))
let progress = BatchProgress(jobID: 7, itemIDs: [1, 2, 3], step: 4, totalSteps: 25, preview: preview)

let samples: [Sample] = [
    Sample(message: HandshakeOpen(role: .worker, clientNonce: digestA), direction: .handshake),
    Sample(message: HandshakeChallenge(serverNonce: digestA), direction: .handshake),
    Sample(message: HandshakeProof(clientProof: digestB), direction: .handshake),
    Sample(message: HandshakeServerProof(serverProof: digestA), direction: .handshake),
    // Worker → coordinator.
    Sample(
        message: Hello(
            name: "w1", device: "cpu", memoryBytes: 1 << 34, threads: 8, maxBatch: 4,
            models: [.init(name: "sd15", sha256: digestA), .init(name: "tiny", sha256: digestB)]),
        direction: .fromWorker),
    Sample(message: Heartbeat(sequence: 42), direction: .fromWorker),
    Sample(message: Credit(count: 8), direction: .fromWorker),
    Sample(message: progress, direction: .fromWorker),
    Sample(message: BatchProgress(jobID: 9, itemIDs: [], step: 0, totalSteps: 1), direction: .fromWorker),
    Sample(
        message: ResultBegin(
            itemID: 3, fence: 11, jobID: 7, elapsed: 1.25, batchSize: 2, pngSize: 1000, pngSHA256: digestA,
            latentsSize: 0, latentsSHA256: digestB), direction: .fromWorker),
    Sample(message: ResultChunk(data: Array(repeating: 0x5A, count: 300)), direction: .fromWorker),
    Sample(message: ResultEnd(itemID: 3), direction: .fromWorker),
    Sample(
        message: Failure(itemID: 3, fence: 11, failure: .outOfMemory("alloc 2 GiB")), direction: .fromWorker),
    Sample(message: Goodbye(reason: "SIGTERM — draining"), direction: .fromWorker),
    Sample(message: ErrorMessage(.internalError, "disk full"), direction: .fromWorker),
    // Coordinator → worker.
    Sample(
        message: Welcome(
            workerID: "w1", maxBatch: 4, models: [.init(name: "sd15", sha256: digestA)],
            heartbeatIntervalMS: 5000,
            heartbeatTimeoutMS: 30000, defaultLeaseTTLMS: 60000), direction: .toWorker),
    Sample(
        message: Assign(
            spec: spec, modelSHA256: digestA, leaseTTLMS: 90000,
            items: [
                .init(
                    itemID: 1, fence: 1, jobID: 7, index: 0, seed: 1234, prompt: "a red cube", negative: ""),
                .init(
                    itemID: 2, fence: 5, jobID: 7, index: 1, seed: UInt64.max, prompt: "ein Würfel 🟥",
                    negative: "blurry"),
            ]), direction: .toWorker),
    Sample(message: ResultAck(itemID: 12, fence: 40), direction: .toWorker),
    Sample(
        message: ResultAck(
            itemID: 12, fence: 40, status: .retryLater(afterMS: 5000, reason: "job store down")),
        direction: .toWorker),
    Sample(
        message: ResultRefused(itemID: 12, fence: 40, reason: "item 12 was handed out again (fence 41)"),
        direction: .toWorker),
    Sample(message: Cancel(itemID: 7, fence: 99), direction: .toWorker),
    Sample(message: Drain(reason: "operator"), direction: .toWorker),
    Sample(message: HeartbeatAck(sequence: 42), direction: .toWorker),
    Sample(message: ErrorMessage(.closing, "heartbeat timeout"), direction: .toWorker),
    // Client → coordinator.
    Sample(
        message: SubmitBegin(priority: 5, owner: "alice", settings: #"{"model":"sd15","base_seed":1}"#),
        direction: .fromClient),
    Sample(
        message: SubmitItems(items: [
            .init(prompt: "a red cube", negative: "", seed: 1, spec: spec),
            .init(prompt: "a blue ball", negative: "text", seed: 2, spec: plainSpec),
        ]), direction: .fromClient),
    Sample(message: SubmitCommit(itemCount: 2), direction: .fromClient),
    Sample(message: StatusRequest(jobLimit: 50), direction: .fromClient),
    Sample(message: JobStatusRequest(jobID: 7), direction: .fromClient),
    Sample(message: CancelJob(jobID: 7), direction: .fromClient),
    Sample(message: PauseJob(jobID: 7), direction: .fromClient),
    Sample(message: ResumeJob(jobID: 7), direction: .fromClient),
    Sample(message: RetryJob(jobID: 7), direction: .fromClient),
    Sample(message: DrainWorker(name: "w1"), direction: .fromClient),
    Sample(message: UnblockJob(jobID: 7, worker: "w1"), direction: .fromClient),
    Sample(message: UnblockJob(jobID: 7, worker: nil), direction: .fromClient),
    Sample(message: Watch(jobID: 7), direction: .fromClient),
    Sample(message: FetchResults(jobID: 7, fromIndex: 64, limit: 64, images: true), direction: .fromClient),
    // Coordinator → client.
    Sample(message: Ready(coordinator: "sdfarm coordinator, protocol 1"), direction: .toClient),
    Sample(message: Submitted(jobID: 7, items: 2, modelsNobodyHolds: ["sd15"]), direction: .toClient),
    Sample(
        message: StatusReply(
            workers: [
                .init(
                    id: "w1", name: "w1", state: "active", device: "cpu", loadedModel: "sd15",
                    models: ["sd15", "tiny"], jobs: [7],
                    itemsInHand: 4, imagesDone: 45, imagesPerMinute: 12.5),
                .init(
                    id: "w2", name: "w2", state: "idle", device: "cpu", loadedModel: nil, models: [],
                    jobs: [], itemsInHand: 0, imagesDone: 0,
                    imagesPerMinute: nil),
            ], jobs: [job, doneJob]), direction: .toClient),
    Sample(message: JobReply(job: job), direction: .toClient),
    Sample(message: Notice(text: "worker w1 is draining"), direction: .toClient),
    Sample(message: WatchProgress(worker: "w1", progress: progress), direction: .toClient),
    Sample(message: WatchJob(job: job), direction: .toClient),
    Sample(message: WatchEnd(job: doneJob), direction: .toClient),
    Sample(
        message: ResultItem(
            index: 3, prompt: "a red cube", negative: "", seed: 1, settings: "{}", state: "done",
            sha256: digestA,
            worker: "w1", error: nil, imageSize: 1000), direction: .toClient),
    Sample(
        message: ResultItem(
            index: 4, prompt: "p", negative: "n", seed: 2, settings: "{}", state: "failed", sha256: nil,
            worker: nil, error: "w1: out of memory", imageSize: 0), direction: .toClient),
    Sample(message: ResultItemChunk(data: [1, 2, 3]), direction: .toClient),
    Sample(message: ResultsEnd(more: true, nextIndex: 128), direction: .toClient),
    Sample(message: ErrorMessage(.notFound, "no job 999"), direction: .toClient),
]

/// Decodes a frame the way the receiving side of `direction` does.
func decodeAsReceiver(_ frame: Frame, _ direction: Sample.Direction) throws -> any WireMessage {
    switch direction {
    case .handshake:
        switch frame.messageID {
        case HandshakeOpen.rawID: return try HandshakeOpen.decode(frame: frame)
        case HandshakeChallenge.rawID: return try HandshakeChallenge.decode(frame: frame)
        case HandshakeServerProof.rawID: return try HandshakeServerProof.decode(frame: frame)
        default: return try HandshakeProof.decode(frame: frame)
        }
    case .fromWorker: return try FromWorker(frame).message
    case .toWorker: return try ToWorker(frame).message
    case .fromClient: return try FromClient(frame).message
    case .toClient: return try ToClient(frame).message
    }
}

extension FromWorker {
    var message: any WireMessage {
        switch self {
        case .hello(let m): m
        case .heartbeat(let m): m
        case .credit(let m): m
        case .progress(let m): m
        case .resultBegin(let m): m
        case .resultChunk(let m): m
        case .resultEnd(let m): m
        case .failure(let m): m
        case .goodbye(let m): m
        case .error(let m): m
        }
    }
}

extension ToWorker {
    var message: any WireMessage {
        switch self {
        case .welcome(let m): m
        case .assign(let m): m
        case .resultAck(let m): m
        case .resultRefused(let m): m
        case .cancel(let m): m
        case .drain(let m): m
        case .heartbeatAck(let m): m
        case .error(let m): m
        }
    }
}

extension FromClient {
    var message: any WireMessage {
        switch self {
        case .submitBegin(let m): m
        case .submitItems(let m): m
        case .submitCommit(let m): m
        case .status(let m): m
        case .jobStatus(let m): m
        case .cancel(let m): m
        case .pause(let m): m
        case .resume(let m): m
        case .retry(let m): m
        case .drainWorker(let m): m
        case .watch(let m): m
        case .fetchResults(let m): m
        case .unblock(let m): m
        }
    }
}

extension ToClient {
    var message: any WireMessage {
        switch self {
        case .ready(let m): m
        case .submitted(let m): m
        case .statusReply(let m): m
        case .jobReply(let m): m
        case .notice(let m): m
        case .watchProgress(let m): m
        case .watchJob(let m): m
        case .watchEnd(let m): m
        case .resultItem(let m): m
        case .resultItemChunk(let m): m
        case .resultsEnd(let m): m
        case .error(let m): m
        }
    }
}

/// Whether two messages are the same type and equal.
func same(_ a: any WireMessage, _ b: any WireMessage) -> Bool {
    func eq<M: WireMessage>(_ a: M) -> Bool { (b as? M) == a }
    return eq(a)
}

/// Deterministic xorshift so fuzz runs are reproducible.
struct XorShift: RandomNumberGenerator {
    var s: UInt64
    mutating func next() -> UInt64 { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s }
}
