import FarmStore
import Foundation

/// Where the benchmark runs, and how to tidy up after it.
struct StoreBenchTarget {
    enum Kind {
        case temporarySQLite(directory: String), sqlite(path: String), postgres(url: String, schema: String)
    }
    let kind: Kind

    init(_ database: String?) throws {
        guard let database else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sdfarm-bench-\(UUID().uuidString)"
            ).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            kind = .temporarySQLite(directory: directory)
            return
        }
        switch try StoreLocation.resolve(database, dataDirectory: ".", environment: [:]) {
        case .sqlite(let path): kind = .sqlite(path: path)
        case .postgres(let url):
            kind = .postgres(url: url, schema: "sdfarm_bench_" + UUID().uuidString.prefix(8).lowercased())
        }
    }

    var label: String {
        switch kind {
        case .temporarySQLite(let directory): "SQLite (temporary file in \(directory))"
        case .sqlite(let path): "SQLite (\(path))"
        case .postgres(_, let schema): "PostgreSQL (schema \(schema), dropped afterwards)"
        }
    }

    func submitTarget(_ items: Int) -> String {
        switch kind {
        case .postgres: "target: 100 000 items in ≤ 3 s; graphile-worker queues ~202 000/s"
        default: "target: 100 000 items in ≤ 10 s; graphile-worker queues ~202 000/s"
        }
    }

    func open(maxConnections: Int) async throws -> any JobStore {
        switch kind {
        case .temporarySQLite(let directory):
            return try await SQLiteStore(path: directory + "/bench.sqlite", maxConnections: maxConnections)
        case .sqlite(let path):
            return try await SQLiteStore(path: path, maxConnections: maxConnections)
        case .postgres(let url, let schema):
            return try await PostgresStore(url: url, schema: schema, maxConnections: maxConnections)
        }
    }

    func cleanUp() {
        switch kind {
        case .temporarySQLite(let directory): try? FileManager.default.removeItem(atPath: directory)
        case .sqlite: break
        case .postgres(let url, let schema):
            let done = DispatchSemaphore(value: 0)
            Task {
                do { try await PostgresStore.dropSchema(schema, url: url) } catch {
                    print("warning: \(error)")
                }
                done.signal()
            }
            done.wait()
        }
    }
}
