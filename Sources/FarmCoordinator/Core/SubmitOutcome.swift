import FarmStore

/// What the coordinator says to a submission.
public struct SubmitOutcome: Sendable, Equatable {
    public var job: JobID
    public var items: Int
    /// Models of the job that no connected worker holds: accepted anyway (workers may join
    /// later), and `status` says why it waits.
    public var modelsNobodyHolds: [String]
}
