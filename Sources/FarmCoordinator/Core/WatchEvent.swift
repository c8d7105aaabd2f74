import FarmStore

/// What a watcher of a job sees: lossy snapshots, latest-wins per key.
public enum WatchEvent: Sendable, Equatable {
    /// A worker's batch of this job is at `step` of `totalSteps`, with a small RGB preview.
    case progress(WorkerProgress)
    /// The job's counts changed.
    case job(JobRecord)
}

public struct WorkerProgress: Sendable, Equatable {
    public var worker: String
    public var job: Int64
    public var items: [Int64]
    public var step: Int
    public var totalSteps: Int
    /// RGB bytes, `previewWidth × previewHeight × 3`, or empty.
    public var preview: [UInt8]
    public var previewWidth: Int
    public var previewHeight: Int

    public init(
        worker: String, job: Int64, items: [Int64], step: Int, totalSteps: Int, preview: [UInt8] = [],
        previewWidth: Int = 0, previewHeight: Int = 0
    ) {
        self.worker = worker
        self.job = job
        self.items = items
        self.step = step
        self.totalSteps = totalSteps
        self.preview = preview
        self.previewWidth = previewWidth
        self.previewHeight = previewHeight
    }
}
