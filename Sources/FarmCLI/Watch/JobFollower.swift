import FarmClient
import FarmProtocol
import Foundation

/// Follows a job to its end for `sdfarm wait` and `sdfarm watch`, across coordinator
/// restarts: once a connection has worked, a lost or refused connection is retried with
/// backoff (each retry announced through `onReconnect`) until the job ends or the deadline
/// passes. A first connection that fails, a wrong token or an unknown job still fail at once.
struct JobFollower: Sendable {
    var address: HostPort
    var token: [UInt8]
    /// The first pause after a lost connection; each later one doubles, up to `maxBackoff`.
    var firstBackoff: Duration = .milliseconds(250)
    var maxBackoff: Duration = .seconds(5)

    /// What a deadline-bounded follow ended with.
    enum Outcome: Sendable, Equatable {
        case finished(JobSummary)
        /// The deadline passed and the job had not ended (or could not be asked).
        case stillRunning
    }

    /// Follows until the job ends, or until `timeout` seconds pass. At the deadline the job is
    /// asked for once more, so a job that has already ended is reported as ended whatever the
    /// timeout (also 0).
    func follow(
        _ job: Int64, timeout: Double?, onEvent: @escaping @Sendable (FarmClient.WatchEvent) throws -> Void,
        onReconnect: @escaping @Sendable (String, Duration) -> Void
    ) async throws -> Outcome {
        guard let timeout else {
            return .finished(try await follow(job, onEvent: onEvent, onReconnect: onReconnect))
        }
        let first: JobSummary? = try await withThrowingTaskGroup(of: JobSummary?.self) { group in
            group.addTask { try await follow(job, onEvent: onEvent, onReconnect: onReconnect) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(max(0, timeout) * 1000)))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        if let first { return .finished(first) }
        let now: JobSummary? = try? await ClientOptions.withClient(address, token: token) { conn in
            try await conn.job(job)
        }
        if let now, now.isFinished { return .finished(now) }
        return .stillRunning
    }

    /// Follows until the job ends, reconnecting as the type describes.
    func follow(
        _ job: Int64, onEvent: @escaping @Sendable (FarmClient.WatchEvent) throws -> Void,
        onReconnect: @escaping @Sendable (String, Duration) -> Void
    ) async throws -> JobSummary {
        var connectedOnce = false
        var backoff = firstBackoff
        while true {
            do {
                return try await FarmClient.with(host: address.host, port: address.port, token: token) {
                    conn in
                    connectedOnce = true
                    backoff = firstBackoff
                    return try await conn.watch(job, onEvent: onEvent)
                }
            } catch let error as FarmClientError {
                guard connectedOnce, Self.isTransient(error) else {
                    throw ClientOptions.jobError(error, job: job)
                }
                onReconnect(error.description, backoff)
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maxBackoff)
            }
        }
    }

    /// A coordinator that went away (stopped, restarting, restarted and not yet listening).
    /// A refused handshake (a changed token) and the coordinator's answers are not.
    static func isTransient(_ error: FarmClientError) -> Bool {
        switch error.kind {
        case .unreachable, .connection: true
        case .refused, .rejected, .corrupt: false
        }
    }

    /// The line `wait` and `watch` print on standard error while reconnecting.
    static func reconnectLine(_ reason: String, _ delay: Duration) -> String {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        return "\(reason); reconnecting in \(String(format: "%.1f", seconds)) s"
    }
}
