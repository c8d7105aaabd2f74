import FarmStore
import Foundation
import Synchronization

@testable import FarmCoordinator

/// A `JobStore` that forwards to a real one and fails on command: every call (`down`, a
/// database that is gone), or only writes (`readOnly`, SQLite's full disk: reads still
/// answer). `onClaim` runs inside each claim, before it reaches the store (a worker leaving
/// while its claim runs).
final class FaultyStore: JobStore, Sendable {
    enum Mode: Sendable { case healthy, down, readOnly }

    let inner: any JobStore
    private let state = Mutex<(mode: Mode, onClaim: (@Sendable () async -> Void)?)>((.healthy, nil))

    init(_ inner: any JobStore) { self.inner = inner }

    var mode: Mode {
        get { state.withLock { $0.mode } }
        set { state.withLock { $0.mode = newValue } }
    }

    func onClaim(_ hook: (@Sendable () async -> Void)?) { state.withLock { $0.onClaim = hook } }

    static let diskFull = StoreError(
        .database(code: "13"), operation: "", message: "database or disk is full")
    static let gone = StoreError(
        .connection, operation: "", message: "could not connect to server: Connection refused")

    private func read() throws {
        if mode == .down { throw Self.gone }
    }

    private func write(_ operation: String) throws {
        switch mode {
        case .healthy: return
        case .down: throw StoreError(.connection, operation: operation, message: Self.gone.message)
        case .readOnly:
            throw StoreError(.database(code: "13"), operation: operation, message: Self.diskFull.message)
        }
    }

    func submit(_ job: JobSubmission, now: Date) async throws -> JobID {
        try write("submit"); return try await inner.submit(job, now: now)
    }
    func job(_ id: JobID) async throws -> JobRecord? { try read(); return try await inner.job(id) }
    func jobs(_ filter: JobFilter) async throws -> [JobRecord] {
        try read(); return try await inner.jobs(filter)
    }
    func progress(_ id: JobID) async throws -> JobProgress { try read(); return try await inner.progress(id) }
    func cancel(_ id: JobID, now: Date) async throws -> JobRecord {
        try write("cancel"); return try await inner.cancel(id, now: now)
    }
    func pause(_ id: JobID, now: Date) async throws -> JobRecord {
        try write("pause"); return try await inner.pause(id, now: now)
    }
    func resume(_ id: JobID, now: Date) async throws -> JobRecord {
        try write("resume"); return try await inner.resume(id, now: now)
    }
    func setPriority(_ id: JobID, priority: Int, now: Date) async throws -> JobRecord {
        try write("set priority"); return try await inner.setPriority(id, priority: priority, now: now)
    }
    func retryFailed(_ id: JobID, now: Date) async throws -> Int {
        try write("retry"); return try await inner.retryFailed(id, now: now)
    }
    func item(_ id: ItemID) async throws -> ItemRecord? { try read(); return try await inner.item(id) }
    func items(_ filter: ItemFilter) async throws -> [ItemRecord] {
        try read(); return try await inner.items(filter)
    }
    func failures(of item: ItemID) async throws -> [FailureRecord] {
        try read(); return try await inner.failures(of: item)
    }
    func queuedBatchKeys(limit: Int) async throws -> [QueuedBatchKey] {
        try read(); return try await inner.queuedBatchKeys(limit: limit)
    }
    func claim(worker: WorkerID, batchKey: String?, limit: Int, leaseDuration: TimeInterval, now: Date)
        async throws -> [ClaimedItem]
    {
        try write("claim")
        if let hook = state.withLock({ $0.onClaim }) { await hook() }
        return try await inner.claim(
            worker: worker, batchKey: batchKey, limit: limit, leaseDuration: leaseDuration, now: now)
    }
    func renew(_ leases: [LeaseToken], worker: WorkerID, leaseDuration: TimeInterval, now: Date) async throws
        -> RenewalOutcome
    {
        try write("renew");
        return try await inner.renew(leases, worker: worker, leaseDuration: leaseDuration, now: now)
    }
    func complete(_ lease: LeaseToken, worker: WorkerID, result: ItemResult, now: Date) async throws
        -> CompletionOutcome
    {
        try write("complete");
        return try await inner.complete(lease, worker: worker, result: result, now: now)
    }
    func complete(_ reports: [CompletionReport], now: Date) async throws -> [CompletionOutcome] {
        try write("complete"); return try await inner.complete(reports, now: now)
    }
    func fail(_ lease: LeaseToken, worker: WorkerID, kind: FailureKind, message: String, now: Date)
        async throws -> FailureOutcome
    {
        try write("fail");
        return try await inner.fail(lease, worker: worker, kind: kind, message: message, now: now)
    }
    func requeueExpiredLeases(now: Date) async throws -> [ExpiredLease] {
        try write("requeue expired leases"); return try await inner.requeueExpiredLeases(now: now)
    }
    func unclaim(_ leases: [LeaseToken], worker: WorkerID, now: Date) async throws -> [ItemID] {
        try write("unclaim"); return try await inner.unclaim(leases, worker: worker, now: now)
    }
    func releaseLeases(of worker: WorkerID, now: Date) async throws -> [ExpiredLease] {
        try write("release leases"); return try await inner.releaseLeases(of: worker, now: now)
    }
    func release(_ leases: [LeaseToken], worker: WorkerID, now: Date) async throws -> [ExpiredLease] {
        try write("release"); return try await inner.release(leases, worker: worker, now: now)
    }
    func blockedWorkers(job: JobID) async throws -> [BlockedWorker] {
        try read(); return try await inner.blockedWorkers(job: job)
    }
    func block(worker: WorkerID, job: JobID, now: Date) async throws {
        try write("block"); try await inner.block(worker: worker, job: job, now: now)
    }
    func unblock(job: JobID?, since: Date) async throws -> Int {
        try write("unblock"); return try await inner.unblock(job: job, since: since)
    }
    func unblock(job: JobID, worker: WorkerID?) async throws -> Int {
        try write("unblock"); return try await inner.unblock(job: job, worker: worker)
    }
    func upsertWorker(id: WorkerID, name: String, capabilities: String, state: WorkerState, now: Date)
        async throws -> WorkerRecord
    {
        try write("upsert worker");
        return try await inner.upsertWorker(
            id: id, name: name, capabilities: capabilities, state: state, now: now)
    }
    func touchWorker(_ id: WorkerID, state: WorkerState?, now: Date) async throws {
        try write("touch worker"); try await inner.touchWorker(id, state: state, now: now)
    }
    func worker(_ id: WorkerID) async throws -> WorkerRecord? {
        try read(); return try await inner.worker(id)
    }
    func workers(states: Set<WorkerState>?) async throws -> [WorkerRecord] {
        try read(); return try await inner.workers(states: states)
    }
    func markWorkers(lastSeenBefore: Date, as state: WorkerState) async throws -> [WorkerID] {
        try write("mark workers");
        return try await inner.markWorkers(lastSeenBefore: lastSeenBefore, as: state)
    }
    func schemaVersion() async throws -> Int { try read(); return try await inner.schemaVersion() }
    func close() async { await inner.close() }
}

/// A result disk whose free space a test sets.
final class FakeFreeSpace: FreeSpaceProbe, Sendable {
    private let bytes: Mutex<Int64>
    init(_ bytes: Int64) { self.bytes = Mutex(bytes) }
    var free: Int64 {
        get { bytes.withLock { $0 } }
        set { bytes.withLock { $0 = newValue } }
    }
    func freeBytes(at path: String) throws -> Int64 { free }
}
