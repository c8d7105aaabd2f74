import Crypto
import FarmProtocol

/// An engine that makes no pictures: each "image" is a few bytes derived from the prompt,
/// seed and settings, returned at once. For `sdfarm bench farm`, which measures the farm's
/// dispatch, not the engine. Never used by `sdfarm worker`.
public struct SyntheticEngine: ImageEngine {
    public init() {}

    public func render(
        _ items: [RenderItem], settings: RenderSettings,
        progress: @escaping @Sendable (EngineProgress) -> Void
    ) async throws -> [RenderedImage] {
        progress(EngineProgress(step: settings.steps, totalSteps: settings.steps))
        return items.map {
            let text =
                "\($0.prompt)|\($0.seed)|\(settings.model)|\(settings.width)x\(settings.height)|\(settings.steps)"
            return RenderedImage(item: $0.item, png: Array(SHA256.hash(data: Array(text.utf8))), latents: [])
        }
    }
}
