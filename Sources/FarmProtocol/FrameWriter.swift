import NIOCore

/// One writer per connection: frames queued from any task go out in order, and a group of
/// frames (a result's begin, chunks and end) is never interleaved with another group.
/// `pump` runs inside the connection's scope; `finish` lets it flush what is queued and end.
public final class FrameWriter: Sendable {
    struct Group: Sendable {
        var frames: [Frame]
        var done: (@Sendable ((any Error)?) -> Void)?
    }

    private let queue: AsyncStream<Group>.Continuation
    private let stream: AsyncStream<Group>

    public init() {
        (stream, queue) = AsyncStream.makeStream(of: Group.self)
    }

    /// Queues frames; false if the writer has ended.
    @discardableResult
    public func send(_ frames: [Frame]) -> Bool {
        if case .terminated = queue.yield(Group(frames: frames, done: nil)) { return false }
        return true
    }

    @discardableResult
    public func send(_ message: some WireMessage) -> Bool { send([message.frame()]) }

    /// Queues frames and returns once they are written (throws if the connection is gone).
    public func sendAndWait(_ frames: [Frame]) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let group = Group(
                frames: frames,
                done: { error in
                    if let error { c.resume(throwing: error) } else { c.resume() }
                })
            if case .terminated = queue.yield(group) { c.resume(throwing: ChannelError.ioOnClosedChannel) }
        }
    }

    /// No more frames: the pump writes what is queued and returns.
    public func finish() { queue.finish() }

    /// Writes queued groups until `finish` (or a write fails, or the task is cancelled).
    /// Groups still queued then are failed, so no sender waits for ever.
    public func pump(_ outbound: NIOAsyncChannelOutboundWriter<Frame>) async {
        var failure: (any Error)?
        for await group in stream {
            if let failure {
                group.done?(failure)
                continue
            }
            do {
                try await outbound.write(contentsOf: group.frames)
                group.done?(nil)
            } catch {
                failure = error
                group.done?(error)
                queue.finish()
            }
        }
    }
}
