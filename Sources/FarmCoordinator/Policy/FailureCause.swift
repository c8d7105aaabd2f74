import FarmProtocol

/// Whose fault a failure was, which decides what it counts against.
public enum FailureCause: String, Sendable, Equatable, CaseIterable {
    /// Something went wrong on the worker (engine error, I/O, crash): the item is tried again
    /// elsewhere, and the failure counts against the worker for this job.
    case worker
    /// The worker ran out of memory: tried again with a smaller batch; never counted against
    /// the worker or the item.
    case outOfMemory = "out_of_memory"
    /// The work can never succeed (bad settings, unknown model, prompt too long): the item
    /// fails for good at once; never counted against the worker.
    case job
    /// The coordinator failed (could not store the result, database error): tried again;
    /// never counted against the worker or the item.
    case coordinator
    /// The lease ran out or the connection dropped with the item in hand: tried again;
    /// counts against the item (a prompt that kills every worker must stop somewhere), never
    /// against the worker (networks fail).
    case leaseLost = "lease_lost"
    /// The worker stopped the render before it finished (told to, or shutting down): not a
    /// try; the item goes back to the queue with its attempt unchanged.
    case cancelled

    /// What a failure the worker reports counts against: the one mapping from the engine's
    /// kinds to the coordinator's.
    public init(_ kind: RenderFailure.Kind) {
        switch kind {
        case .worker, .unavailable: self = .worker
        case .outOfMemory: self = .outOfMemory
        case .invalidRequest: self = .job
        case .cancelled: self = .cancelled
        }
    }
}
