import NIOCore

/// What a coordinator may receive from an authenticated worker: frames decoded by id
/// (docs/protocol.md, "Worker → coordinator"). An id not in the table is an error.
public enum FromWorker: Equatable, Sendable {
    case hello(Hello), heartbeat(Heartbeat), credit(Credit), progress(BatchProgress)
    case resultBegin(ResultBegin), resultChunk(ResultChunk), resultEnd(ResultEnd), failure(Failure), goodbye(
        Goodbye)
    case error(ErrorMessage)

    public init(_ frame: Frame) throws {
        switch frame.messageID {
        case Hello.rawID: self = .hello(try .decode(frame: frame))
        case Heartbeat.rawID: self = .heartbeat(try .decode(frame: frame))
        case Credit.rawID: self = .credit(try .decode(frame: frame))
        case BatchProgress.rawID: self = .progress(try .decode(frame: frame))
        case ResultBegin.rawID: self = .resultBegin(try .decode(frame: frame))
        case ResultChunk.rawID: self = .resultChunk(try .decode(frame: frame))
        case ResultEnd.rawID: self = .resultEnd(try .decode(frame: frame))
        case Failure.rawID: self = .failure(try .decode(frame: frame))
        case Goodbye.rawID: self = .goodbye(try .decode(frame: frame))
        case ErrorMessage.rawID: self = .error(try .decode(frame: frame))
        default: throw ProtocolError.unknownMessage(id: frame.messageID)
        }
    }
}

/// What a worker may receive from the coordinator after the handshake (docs/protocol.md,
/// "Coordinator → worker").
public enum ToWorker: Equatable, Sendable {
    case welcome(Welcome), assign(Assign), resultAck(ResultAck), resultRefused(ResultRefused), cancel(Cancel),
        drain(Drain)
    case heartbeatAck(HeartbeatAck), error(ErrorMessage)

    public init(_ frame: Frame) throws {
        switch frame.messageID {
        case Welcome.rawID: self = .welcome(try .decode(frame: frame))
        case Assign.rawID: self = .assign(try .decode(frame: frame))
        case ResultAck.rawID: self = .resultAck(try .decode(frame: frame))
        case ResultRefused.rawID: self = .resultRefused(try .decode(frame: frame))
        case Cancel.rawID: self = .cancel(try .decode(frame: frame))
        case Drain.rawID: self = .drain(try .decode(frame: frame))
        case HeartbeatAck.rawID: self = .heartbeatAck(try .decode(frame: frame))
        case ErrorMessage.rawID: self = .error(try .decode(frame: frame))
        default: throw ProtocolError.unknownMessage(id: frame.messageID)
        }
    }
}

/// What a coordinator may receive from an authenticated client (docs/protocol.md,
/// "Client → coordinator").
public enum FromClient: Equatable, Sendable {
    case submitBegin(SubmitBegin), submitItems(SubmitItems), submitCommit(SubmitCommit)
    case status(StatusRequest), jobStatus(JobStatusRequest)
    case cancel(CancelJob), pause(PauseJob), resume(ResumeJob), retry(RetryJob)
    case drainWorker(DrainWorker), watch(Watch), fetchResults(FetchResults), unblock(UnblockJob)

    public init(_ frame: Frame) throws {
        switch frame.messageID {
        case SubmitBegin.rawID: self = .submitBegin(try .decode(frame: frame))
        case SubmitItems.rawID: self = .submitItems(try .decode(frame: frame))
        case SubmitCommit.rawID: self = .submitCommit(try .decode(frame: frame))
        case StatusRequest.rawID: self = .status(try .decode(frame: frame))
        case JobStatusRequest.rawID: self = .jobStatus(try .decode(frame: frame))
        case CancelJob.rawID: self = .cancel(try .decode(frame: frame))
        case PauseJob.rawID: self = .pause(try .decode(frame: frame))
        case ResumeJob.rawID: self = .resume(try .decode(frame: frame))
        case RetryJob.rawID: self = .retry(try .decode(frame: frame))
        case DrainWorker.rawID: self = .drainWorker(try .decode(frame: frame))
        case Watch.rawID: self = .watch(try .decode(frame: frame))
        case FetchResults.rawID: self = .fetchResults(try .decode(frame: frame))
        case UnblockJob.rawID: self = .unblock(try .decode(frame: frame))
        default: throw ProtocolError.unknownMessage(id: frame.messageID)
        }
    }
}

/// What a client may receive from the coordinator after the handshake (docs/protocol.md,
/// "Coordinator → client").
public enum ToClient: Equatable, Sendable {
    case ready(Ready), submitted(Submitted), statusReply(StatusReply), jobReply(JobReply), notice(Notice)
    case watchProgress(WatchProgress), watchJob(WatchJob), watchEnd(WatchEnd)
    case resultItem(ResultItem), resultItemChunk(ResultItemChunk), resultsEnd(ResultsEnd)
    case error(ErrorMessage)

    public init(_ frame: Frame) throws {
        switch frame.messageID {
        case Ready.rawID: self = .ready(try .decode(frame: frame))
        case Submitted.rawID: self = .submitted(try .decode(frame: frame))
        case StatusReply.rawID: self = .statusReply(try .decode(frame: frame))
        case JobReply.rawID: self = .jobReply(try .decode(frame: frame))
        case Notice.rawID: self = .notice(try .decode(frame: frame))
        case WatchProgress.rawID: self = .watchProgress(try .decode(frame: frame))
        case WatchJob.rawID: self = .watchJob(try .decode(frame: frame))
        case WatchEnd.rawID: self = .watchEnd(try .decode(frame: frame))
        case ResultItem.rawID: self = .resultItem(try .decode(frame: frame))
        case ResultItemChunk.rawID: self = .resultItemChunk(try .decode(frame: frame))
        case ResultsEnd.rawID: self = .resultsEnd(try .decode(frame: frame))
        case ErrorMessage.rawID: self = .error(try .decode(frame: frame))
        default: throw ProtocolError.unknownMessage(id: frame.messageID)
        }
    }
}
