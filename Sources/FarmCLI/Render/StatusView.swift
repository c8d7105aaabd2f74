import FarmProtocol

/// The farm's status as `sdfarm status` shows it (and prints with `--json`): plain fields,
/// snake_case keys.
struct StatusView: Codable, Equatable {
    struct Worker: Codable, Equatable {
        var id: String
        var name: String
        var state: String
        var device: String
        var loaded_model: String?
        var models: [String]
        var jobs: [Int64]
        var items_in_hand: Int
        var images_done: Int
        var images_per_minute: Double?
    }

    struct Job: Codable, Equatable {
        var id: Int64
        var state: String
        var priority: Int
        var total: Int
        var queued: Int
        var leased: Int
        var done: Int
        var failed: Int
        var cancelled: Int
        var waiting: String?
        var images_per_minute: Double?

        var finished: Int { done + failed + cancelled }
    }

    var workers: [Worker]
    var jobs: [Job]

    init(workers: [Worker], jobs: [Job]) {
        self.workers = workers
        self.jobs = jobs
    }

    /// The coordinator's status reply as the CLI shows it.
    init(_ s: StatusReply) {
        workers = s.workers.map {
            Worker(
                id: $0.id, name: $0.name, state: $0.state, device: $0.device, loaded_model: $0.loadedModel, models: $0.models,
                jobs: $0.jobs, items_in_hand: $0.itemsInHand, images_done: $0.imagesDone, images_per_minute: $0.imagesPerMinute)
        }
        jobs = s.jobs.map {
            Job(
                id: $0.id, state: $0.state, priority: Int($0.priority), total: $0.total, queued: $0.queued, leased: $0.leased, done: $0.done,
                failed: $0.failed, cancelled: $0.cancelled, waiting: $0.waiting, images_per_minute: $0.imagesPerMinute)
        }
    }
}
