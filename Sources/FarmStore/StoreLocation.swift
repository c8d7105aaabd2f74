import Foundation

/// Where the job store lives, from `--database`, `SDFARM_DATABASE_URL`, or the default
/// SQLite file in the coordinator's data directory.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// The file name of the default SQLite database inside the data directory.
    public static let defaultFileName = "sdfarm.sqlite"

    /// `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite:PATH`, `sqlite://PATH` or
    /// a plain path is SQLite; nothing given means `SDFARM_DATABASE_URL`, then
    /// `<dataDirectory>/sdfarm.sqlite`.
    public static func resolve(
        _ url: String?, dataDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> StoreLocation {
        guard let given = url ?? environment["SDFARM_DATABASE_URL"], !given.isEmpty else {
            return .sqlite(path: (dataDirectory as NSString).appendingPathComponent(defaultFileName))
        }
        if given.hasPrefix("postgres://") || given.hasPrefix("postgresql://") { return .postgres(url: given) }
        for prefix in ["sqlite://", "sqlite:"] where given.hasPrefix(prefix) {
            let path = String(given.dropFirst(prefix.count))
            guard !path.isEmpty else { break }
            return .sqlite(path: path)
        }
        if let scheme = given.range(of: "://"), !given[..<scheme.lowerBound].contains("/") {
            throw StoreError(
                .invalidInput, operation: "open",
                message:
                    "unsupported database URL \(given.debugDescription): use postgres://… or a SQLite file path"
            )
        }
        return .sqlite(path: given)
    }

    /// Opens the store, creating the SQLite file's directory when needed.
    public func open(policy: StorePolicy = .default) async throws -> any JobStore {
        switch self {
        case .postgres(let url):
            return try await PostgresStore(url: url, policy: policy)
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                do {
                    try FileManager.default.createDirectory(
                        atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw StoreError(
                        .connection, operation: "open",
                        message: "cannot create \(directory): \(error.localizedDescription)")
                }
            }
            return try await SQLiteStore(path: path, policy: policy)
        }
    }
}
