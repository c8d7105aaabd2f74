import Foundation

/// Column lists and the decoders that read them, kept side by side so they cannot drift.
enum Columns {
    static let job = """
        id, owner, priority, state, settings, total, queued_count, leased_count, done_count, \
        failed_count, cancelled_count, created_at, updated_at, finished_at
        """

    static func job(_ row: SQLRow) throws -> JobRecord {
        JobRecord(
            id: JobID(try row.int(0)),
            owner: try row.text(1),
            priority: Int(try row.int(2)),
            state: try row.enumValue(3, as: JobState.self),
            settings: try row.text(4),
            createdAt: date(milliseconds: try row.int(11)),
            updatedAt: date(milliseconds: try row.int(12)),
            finishedAt: try row.optionalInt(13).map { date(milliseconds: $0) },
            progress: JobProgress(
                total: Int(try row.int(5)), queued: Int(try row.int(6)), leased: Int(try row.int(7)),
                done: Int(try row.int(8)), failed: Int(try row.int(9)), cancelled: Int(try row.int(10))))
    }

    static let item = """
        id, job_id, idx, prompt, negative_prompt, seed, settings, batch_key, state, attempt, fence, \
        lease_owner, lease_expires_at, last_error, result_sha256, result_size, result_location, \
        completed_by, updated_at
        """

    static func item(_ row: SQLRow) throws -> ItemRecord {
        var result: ItemResult?
        if let sha = try row.optionalText(14) {
            result = ItemResult(
                sha256: sha, size: try row.optionalInt(15) ?? 0, location: try row.optionalText(16) ?? "")
        }
        return ItemRecord(
            id: ItemID(try row.int(0)),
            job: JobID(try row.int(1)),
            index: Int(try row.int(2)),
            spec: ItemSpec(
                prompt: try row.text(3), negativePrompt: try row.text(4),
                seed: UInt64(bitPattern: try row.int(5)), settings: try row.text(6), batchKey: try row.text(7)
            ),
            state: try row.enumValue(8, as: ItemState.self),
            attempt: Int(try row.int(9)),
            fence: try row.int(10),
            leaseOwner: try row.optionalText(11).map(WorkerID.init(rawValue:)),
            leaseExpiresAt: try row.optionalInt(12).map { date(milliseconds: $0) },
            lastError: try row.optionalText(13),
            result: result,
            completedBy: try row.optionalText(17).map(WorkerID.init(rawValue:)),
            updatedAt: date(milliseconds: try row.int(18)))
    }

    /// What a claim returns (and `claimed(_:job:expires:)` reads).
    static let claimed = "id, idx, prompt, negative_prompt, seed, settings, batch_key, attempt, fence"

    static func claimed(_ row: SQLRow, job: JobID, expires: Int64) throws -> ClaimedItem {
        ClaimedItem(
            id: ItemID(try row.int(0)),
            job: job,
            index: Int(try row.int(1)),
            spec: ItemSpec(
                prompt: try row.text(2), negativePrompt: try row.text(3),
                seed: UInt64(bitPattern: try row.int(4)), settings: try row.text(5), batchKey: try row.text(6)
            ),
            attempt: Int(try row.int(7)),
            fence: try row.int(8),
            leaseExpiresAt: date(milliseconds: expires))
    }

    static let worker = "id, name, capabilities, state, first_seen, last_seen"

    static func worker(_ row: SQLRow) throws -> WorkerRecord {
        WorkerRecord(
            id: WorkerID(try row.text(0)), name: try row.text(1), capabilities: try row.text(2),
            state: try row.enumValue(3, as: WorkerState.self),
            firstSeen: date(milliseconds: try row.int(4)), lastSeen: date(milliseconds: try row.int(5)))
    }

    static let failure = "item_id, job_id, worker_id, attempt, kind, lease_expired, message, at"

    static func failure(_ row: SQLRow) throws -> FailureRecord {
        FailureRecord(
            item: ItemID(try row.int(0)), job: JobID(try row.int(1)),
            worker: try row.optionalText(2).map(WorkerID.init(rawValue:)),
            attempt: Int(try row.int(3)),
            kind: try row.optionalText(4).flatMap(FailureKind.init(rawValue:)),
            leaseExpired: try row.int(5) != 0,
            message: try row.text(6),
            at: date(milliseconds: try row.int(7)))
    }
}
