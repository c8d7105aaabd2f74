/// A failed store operation: what was attempted, on which job/item, and what the database
/// (or the store) said.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The job, item or worker does not exist.
        case notFound
        /// The request is malformed (empty job, negative limit, …).
        case invalidInput
        /// The operation does not apply in the current state (resume a cancelled job, …).
        case invalidState
        /// The database's schema is newer than this binary knows: nothing was written.
        case schemaTooNew(database: Int, binary: Int)
        /// Could not connect or open.
        case connection
        /// The database refused a statement; `code` is the SQLSTATE (PostgreSQL) or the
        /// SQLite result code.
        case database(code: String)
        /// The migrations shipped with the binary are missing or malformed.
        case migrations
    }

    public var kind: Kind
    /// The store operation, e.g. "claim" or "submit".
    public var operation: String
    public var job: JobID?
    public var item: ItemID?
    /// The server's (or the store's) message.
    public var message: String

    public init(_ kind: Kind, operation: String, job: JobID? = nil, item: ItemID? = nil, message: String) {
        self.kind = kind
        self.operation = operation
        self.job = job
        self.item = item
        self.message = message
    }

    public var description: String {
        var subject = ""
        if let job { subject += " \(job)" }
        if let item { subject += " \(item)" }
        let what = operation.isEmpty ? "" : " \(operation)"
        return "store\(what)\(subject) failed: \(message)"
    }

    /// The same error, with the operation and subject filled in where they were missing.
    func context(operation: String, job: JobID?, item: ItemID?) -> StoreError {
        var copy = self
        if copy.operation.isEmpty { copy.operation = operation }
        if copy.job == nil { copy.job = job }
        if copy.item == nil { copy.item = item }
        return copy
    }
}
