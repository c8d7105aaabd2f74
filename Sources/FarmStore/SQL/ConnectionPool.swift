import Dispatch
import Synchronization

/// Runs blocking database work off the Swift concurrency pool, on a bounded set of
/// connections. Connections are opened lazily, reused, and dropped when broken (a
/// restarted server costs the operations in flight, not the store).
final class ConnectionPool: Sendable {
    typealias Factory = @Sendable () throws -> any SQLConnection

    private struct State: ~Copyable {
        var idle: [Box] = []
        var open = 0
        /// Each waiter is resumed with a connection, or with nil meaning "open one".
        var waiters: [CheckedContinuation<Box?, Never>] = []
        var closed = false
    }

    /// Carries a connection between threads; only one thread uses it at a time.
    private final class Box: @unchecked Sendable {
        let connection: any SQLConnection
        init(_ connection: any SQLConnection) { self.connection = connection }
    }

    private let state = Mutex(State())
    private let maxConnections: Int
    private let factory: Factory
    private let queue = DispatchQueue(label: "sdfarm.store", attributes: .concurrent)

    init(maxConnections: Int, factory: @escaping Factory) {
        precondition(maxConnections >= 1)
        self.maxConnections = maxConnections
        self.factory = factory
    }

    /// Runs `body` with a connection on a store thread.
    ///
    /// An idle connection may have died while it waited (the server restarted). If the
    /// operation fails on such a connection before a single statement of it succeeded —
    /// so nothing was done — it is run once more on a fresh connection.
    func run<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        var retried = false
        while true {
            let reserved = try await acquire()
            let mayRetry = !retried
            let (result, retry): (Result<T, Error>, Bool) = await withCheckedContinuation { continuation in
                queue.async {
                    let box: Box
                    do {
                        box = try reserved ?? Box(self.factory())
                    } catch {
                        self.release(nil)
                        continuation.resume(returning: (.failure(error), false))
                        return
                    }
                    let before = box.connection.completedStatements
                    let result = Result { try body(box.connection) }
                    let broken = box.connection.isBroken
                    let untouched = box.connection.completedStatements == before
                    var failed = false
                    if case .failure = result { failed = true }
                    let retry = failed && broken && untouched && reserved != nil && mayRetry
                    self.release(broken ? nil : box, discarding: broken ? box : nil)
                    continuation.resume(returning: (result, retry))
                }
            }
            if retry {
                retried = true
                continue
            }
            return try result.get()
        }
    }

    /// An idle connection, or nil with a slot reserved for a new one.
    private func acquire() async throws -> Box? {
        enum Step { case use(Box?), wait, closed }
        let step: Step = state.withLock { state in
            if state.closed { return .closed }
            if let box = state.idle.popLast() { return .use(box) }
            if state.open < maxConnections {
                state.open += 1
                return .use(nil)
            }
            return .wait
        }
        switch step {
        case .use(let box): return box
        case .closed: throw StoreError(.connection, operation: "", message: "the store is closed")
        case .wait:
            let box = await withCheckedContinuation { continuation in
                let handedOver: Box?? = state.withLock { state in
                    if let box = state.idle.popLast() { return .some(box) }
                    if state.open < maxConnections {
                        state.open += 1
                        return .some(nil)
                    }
                    state.waiters.append(continuation)
                    return .none
                }
                if let handedOver { continuation.resume(returning: handedOver) }
            }
            return box
        }
    }

    /// Gives a connection back (or, with nil, gives up a slot whose connection failed to
    /// open or broke).
    private func release(_ box: Box?, discarding broken: Box? = nil) {
        broken?.connection.close()
        let waiter: (CheckedContinuation<Box?, Never>, Box?)? = state.withLock { state in
            if !state.waiters.isEmpty {
                return (state.waiters.removeFirst(), box)
            }
            if let box, state.closed {
                state.open -= 1
                box.connection.close()
                return nil
            }
            if let box {
                state.idle.append(box)
            } else {
                state.open -= 1
            }
            return nil
        }
        if let (continuation, box) = waiter { continuation.resume(returning: box) }
    }

    /// Closes the idle connections now and the busy ones as they come back.
    func close() {
        let idle: [Box] = state.withLock { state in
            state.closed = true
            let idle = state.idle
            state.open -= idle.count
            state.idle = []
            return idle
        }
        for box in idle { box.connection.close() }
    }
}
