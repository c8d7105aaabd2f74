import Synchronization

@testable import FarmCoordinator

/// A `WorkerLink` that keeps what the coordinator sends, for tests that drive the core
/// directly (no agent, no engine).
final class RecordingLink: WorkerLink, Sendable {
    private let state = Mutex<(sent: [WorkerCommand], closed: String?)>(([], nil))

    var sent: [WorkerCommand] { state.withLock { $0.sent } }
    var closed: String? { state.withLock { $0.closed } }

    var batches: [AssignedBatch] {
        sent.compactMap { if case .assign(let b) = $0 { b } else { nil } }
    }

    func send(_ command: WorkerCommand) { state.withLock { $0.sent.append(command) } }
    func close(reason: String) { state.withLock { $0.closed = reason } }
}
