import Foundation
import Logging

/// Keeps a worker connected: connects, hands the session to the agent, sends heartbeats,
/// forwards what arrives, and after a disconnect waits (exponential backoff with jitter) and
/// connects again — until the agent has drained, or a connection fails in a way retrying
/// cannot fix.
public struct WorkerRunner: Sendable {
    public typealias Connect = @Sendable () async throws -> WorkerSessionIO

    public let agent: WorkerAgent
    public let connect: Connect
    public var heartbeatInterval: Duration = .seconds(5)
    public var backoff = ReconnectBackoff()
    let logger: Logger

    public init(
        agent: WorkerAgent, logger: Logger = Logger(label: "sdfarm.worker"), connect: @escaping Connect
    ) {
        self.agent = agent
        self.logger = logger
        self.connect = connect
    }

    /// Runs until the agent has drained and said goodbye. Throws `FatalConnectionError`.
    public func run() async throws {
        var backoff = self.backoff
        let agent = self.agent
        let work = Task { await agent.run() }
        defer { work.cancel() }
        while await !agent.isFinished {
            let session: WorkerSessionIO
            do {
                session = try await connect()
            } catch let fatal as FatalConnectionError {
                throw fatal
            } catch {
                if await agent.isDraining, await agent.isIdle {
                    // Draining with nothing left to deliver: no need to reach the coordinator.
                    return
                }
                let delay = backoff.nextDelay(unit: Double.random(in: 0..<1))
                logger.warning(
                    "cannot reach the coordinator (\(error)); retrying in \(String(format: "%.1f", delay)) s")
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                continue
            }
            backoff.reset()
            logger.info("connected to the coordinator")
            await agent.attach(session.link)
            // Our own interval, or the coordinator's when it asks for more often.
            let interval = min(heartbeatInterval, session.heartbeatInterval ?? heartbeatInterval)
            let beats = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    await agent.heartbeat()
                }
            }
            // Once the agent has said goodbye the connection is over, whether or not the
            // coordinator closes it or sends anything more.
            let finishing = Task {
                await agent.untilFinished()
                await session.close()
            }
            do {
                for try await message in session.incoming {
                    await agent.receive(message)
                    if await agent.isFinished { break }
                }
                logger.info("the coordinator closed the connection")
            } catch {
                logger.warning("connection lost: \(error)")
            }
            beats.cancel()
            finishing.cancel()
            await agent.detach()
            await session.close()
        }
        await work.value
    }
}
