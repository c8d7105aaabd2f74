import Synchronization

/// Named moments inside the store's transactions where a test can stop a process on purpose
/// (the crash tests kill a child there with SIGKILL). Nothing is registered in production;
/// an unset point costs one lock.
public final class StoreFaultPoints: Sendable {
    public enum Point: Sendable, Hashable {
        /// A submit has written the job and every item and is about to commit.
        case submitBeforeCommit
    }

    private let actions = Mutex<[Point: @Sendable () -> Void]>([:])

    public init() {}

    /// Runs `action` (on the store's connection thread, inside the transaction) whenever the
    /// store reaches `point`.
    public func set(_ point: Point, _ action: @escaping @Sendable () -> Void) {
        actions.withLock { $0[point] = action }
    }

    func reach(_ point: Point) {
        actions.withLock { $0[point] }?()
    }
}
