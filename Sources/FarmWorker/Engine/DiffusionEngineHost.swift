import Diffusion
import Foundation

/// THE SEAM for the real engine: hosts the Diffusion pipeline for the farm.
///
/// Not wired yet: the Diffusion pipeline (text encoder, U-Net, VAE, samplers, PNG writer) is
/// being built separately. Whoever finishes it implements `render` here — load the model from
/// `catalog` by name (keep the last one loaded), run the batch as one U-Net batch, report
/// progress with a latent→RGB preview, and map its errors onto `EngineFailure`. Until then
/// every batch fails as `unavailable`, which the coordinator retries elsewhere without
/// blaming this worker; `sdfarm worker` says so at start-up.
public struct DiffusionEngineHost: ImageEngine {
    public let catalog: ModelCatalog

    public init(catalog: ModelCatalog) {
        self.catalog = catalog
    }

    /// False until the pipeline is wired in.
    public static let isAvailable = false

    public func render(
        _ items: [RenderItem], settings: RenderSettings,
        progress: @escaping @Sendable (EngineProgress) -> Void
    ) async throws -> [RenderedImage] {
        guard catalog.model(named: settings.model) != nil else {
            throw EngineFailure.unavailable("model \(settings.model) is not under \(catalog.directory)")
        }
        throw EngineFailure.unavailable(
            "the Diffusion pipeline is not wired into the worker yet (sdfarm \(Diffusion.version))")
    }
}
