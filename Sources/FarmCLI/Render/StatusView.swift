import FarmProtocol

/// The farm's status as `sdfarm status` shows it (and prints with `--json`): the workers as
/// the coordinator reports them (`WorkerStatus`), the jobs as plain fields; snake_case keys.
struct StatusView: Codable, Equatable {
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
        var imagesPerMinute: Double?

        private enum CodingKeys: String, CodingKey {
            case id, state, priority, total, queued, leased, done, failed, cancelled, waiting
            case imagesPerMinute = "images_per_minute"
        }

        var finished: Int { done + failed + cancelled }
    }

    var workers: [WorkerStatus]
    var jobs: [Job]

    init(workers: [WorkerStatus], jobs: [Job]) {
        self.workers = workers
        self.jobs = jobs
    }

    /// The coordinator's status reply as the CLI shows it.
    init(_ s: StatusReply) {
        workers = s.workers
        jobs = s.jobs.map {
            Job(
                id: $0.id, state: $0.state, priority: Int($0.priority), total: $0.total, queued: $0.queued,
                leased: $0.leased, done: $0.done,
                failed: $0.failed, cancelled: $0.cancelled, waiting: $0.waiting,
                imagesPerMinute: $0.imagesPerMinute)
        }
    }
}
