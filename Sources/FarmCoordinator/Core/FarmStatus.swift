import FarmProtocol
import FarmStore
import Foundation

/// The farm at one moment, for `sdfarm status`.
public struct FarmStatus: Sendable, Equatable {
    public struct Job: Sendable, Equatable {
        public var record: JobRecord
        /// Why queued items wait, if they do (no worker holds the model, paused, …).
        public var waiting: String?
        /// Recent images per minute (over the workers running it).
        public var imagesPerMinute: Double?
    }

    public var workers: [WorkerStatus]
    public var jobs: [Job]
}
