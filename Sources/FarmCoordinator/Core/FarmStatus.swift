import FarmStore
import Foundation

/// The farm at one moment, for `sdfarm status`.
public struct FarmStatus: Sendable, Equatable {
    public struct Worker: Sendable, Equatable {
        public var id: String
        public var name: String
        public var state: String
        public var device: String
        public var loadedModel: String?
        public var models: [String]
        public var jobs: [Int64]
        public var itemsInHand: Int
        public var imagesDone: Int
        public var imagesPerMinute: Double?
    }

    public struct Job: Sendable, Equatable {
        public var record: JobRecord
        /// Why queued items wait, if they do (no worker holds the model, paused, …).
        public var waiting: String?
        /// Recent images per minute (over the workers running it).
        public var imagesPerMinute: Double?
    }

    public var workers: [Worker]
    public var jobs: [Job]
}
