import Diffusion
import Synchronization

/// The last model a worker loaded, kept for the next batch (models are large and a farm batch
/// usually wants the same one again). One slot: asking for another model replaces it.
final class LoadedModelSlot: Sendable {
    private let slot = Mutex<(sha256: String, pipeline: StableDiffusionPipeline)?>(nil)

    /// The pipeline for `model`, loaded now unless it is the one in the slot.
    func pipeline(for model: ModelCatalog.Model) throws -> StableDiffusionPipeline {
        if let held = slot.withLock({ $0 }), held.sha256 == model.sha256 { return held.pipeline }
        slot.withLock { $0 = nil }  // let the old model go before the new one is mapped
        let pipeline = try StableDiffusionPipeline(
            loading: model.path, modelHash: ModelHash(sha256: model.sha256))
        slot.withLock { $0 = (model.sha256, pipeline) }
        return pipeline
    }
}
