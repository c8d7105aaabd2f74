import NIOCore

/// A message body that knows its id and its wire form (docs/protocol.md, "Messages").
public protocol WireMessage: Equatable, Sendable {
    /// The raw id carried in the frame header.
    static var rawID: UInt16 { get }
    func encode(into buffer: inout ByteBuffer)
    /// Decodes the whole frame body; bytes left over are an error.
    static func decode(from buffer: inout ByteBuffer) throws -> Self
}

extension WireMessage {
    /// Wraps the message in a frame.
    public func frame() -> Frame {
        var b = ByteBuffer()
        encode(into: &b)
        return Frame(messageID: Self.rawID, body: b)
    }

    /// Decodes `frame` as this message, checking the id and that the body is consumed.
    public static func decode(frame: Frame) throws -> Self {
        guard frame.messageID == rawID else { throw ProtocolError.unknownMessage(id: frame.messageID) }
        var body = frame.body
        let m = try decode(from: &body)
        try body.wireExpectEnd(String(describing: Self.self))
        return m
    }
}

/// Messages either side may send at any time after the handshake's first frame.
public enum CommonMessageID: UInt16, Sendable {
    /// Handshake: connecting side opens (magic, version, role, nonce).
    case handshakeOpen = 0x0001
    /// Handshake: the server's nonce (no proof: the connecting side proves first).
    case handshakeChallenge = 0x0002
    /// Handshake: the connecting side's proof.
    case handshakeProof = 0x0003
    /// Something went wrong; a fatal code is followed by the sender closing.
    case error = 0x0004
    /// Handshake: the server's proof, sent only after the connecting side's proof checked out.
    case handshakeServerProof = 0x0005
}

/// Messages a worker sends to the coordinator (docs/protocol.md, "Worker → coordinator").
public enum WorkerMessageID: UInt16, Sendable, CaseIterable {
    /// Capabilities after authentication.
    case hello = 0x0101
    /// Liveness; renews the worker's leases.
    case heartbeat = 0x0102
    /// Asks for up to N items.
    case credit = 0x0103
    /// Step/total and a small preview of the batch in hand (lossy).
    case progress = 0x0104
    /// A finished item's result starts: sizes and digests.
    case resultBegin = 0x0105
    /// Bytes of the result in flight.
    case resultChunk = 0x0106
    /// An item failed.
    case failure = 0x0107
    /// The result in flight is complete.
    case resultEnd = 0x0108
    /// The worker leaves.
    case goodbye = 0x010F
}

/// Messages the coordinator sends to a worker (docs/protocol.md, "Coordinator → worker").
public enum CoordinatorToWorkerMessageID: UInt16, Sendable, CaseIterable {
    /// Accepts the worker: its id, the capabilities taken, heartbeat and lease timings.
    case welcome = 0x0201
    /// A batch of items under a lease.
    case assign = 0x0202
    /// Acknowledges a stored result (the worker drops it from its outbox), or asks the worker
    /// to send it again later (the coordinator cannot store or record it now).
    case resultAck = 0x0203
    /// Stop working on an item.
    case cancel = 0x0204
    /// Finish the batch in hand, take no more work.
    case drain = 0x0205
    /// The result is not wanted (stale lease, item cancelled); drop it from the outbox.
    case resultRefused = 0x0206
    /// Answers a heartbeat, so a worker notices a silent coordinator.
    case heartbeatAck = 0x0207
}

/// Messages a client sends to the coordinator (docs/protocol.md, "Client → coordinator").
public enum ClientMessageID: UInt16, Sendable, CaseIterable {
    /// A job starts: priority, owner, job settings.
    case submitBegin = 0x0301
    /// Items of the job being submitted (many chunks).
    case submitItems = 0x0302
    /// The job is complete: store it.
    case submitCommit = 0x0303
    /// The farm's workers and jobs.
    case status = 0x0304
    /// One job's counts.
    case jobStatus = 0x0305
    case cancelJob = 0x0306
    case pauseJob = 0x0307
    case resumeJob = 0x0308
    case retryJob = 0x0309
    /// Ask a worker (by name) to drain.
    case drainWorker = 0x030A
    /// Subscribe to a job's progress until it ends.
    case watch = 0x030B
    /// A page of a job's results, images streamed in chunks.
    case fetchResults = 0x030C
    /// Lift a job's blocks: of one worker, or of every worker.
    case unblockJob = 0x030D
}

/// Messages the coordinator sends to a client (docs/protocol.md, "Coordinator → client").
public enum CoordinatorToClientMessageID: UInt16, Sendable, CaseIterable {
    /// Authenticated; the coordinator's name and version.
    case ready = 0x0400
    /// The job was stored.
    case submitted = 0x0401
    case statusReply = 0x0402
    /// One job's counts (reply to job status and job control).
    case jobReply = 0x0403
    /// A command without data succeeded.
    case notice = 0x0404
    /// Watch event: a worker's progress on the job, with a preview.
    case watchProgress = 0x0405
    /// Watch event: the job's counts changed.
    case watchJob = 0x0406
    /// The watched job ended (or the watch was ended).
    case watchEnd = 0x0407
    /// One item of a result page; its image follows in chunks.
    case resultItem = 0x0408
    /// Bytes of the image of the last result item.
    case resultItemChunk = 0x0409
    /// The page is complete.
    case resultsEnd = 0x040A
}
