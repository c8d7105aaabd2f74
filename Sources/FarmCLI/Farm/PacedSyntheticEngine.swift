import FarmProtocol
import FarmWorker

/// `SyntheticEngine` that takes its time: each step waits `stepDelay` and reports progress,
/// so tests of separate processes can catch a worker in the middle of a batch
/// (`sdfarm worker --synthetic-engine --synthetic-step-ms N`, both hidden).
struct PacedSyntheticEngine: ImageEngine {
    let stepDelay: Duration

    func render(
        _ items: [RenderItem], settings: RenderSettings,
        progress: @escaping @Sendable (EngineProgress) -> Void
    ) async throws -> [RenderedImage] {
        for step in 1...max(1, settings.steps) {
            try await Task.sleep(for: stepDelay)
            progress(EngineProgress(step: step, totalSteps: max(1, settings.steps)))
        }
        return try await SyntheticEngine().render(items, settings: settings) { _ in }
    }
}
