import Diffusion
import Dispatch
import FarmProtocol
import Foundation
import Synchronization

/// Hosts the Diffusion pipeline for the farm: the model by name from the worker's catalog
/// (the last one loaded is kept), the batch as one U-Net batch, progress after every U-Net
/// call with a preview of the first image, the pipeline's errors mapped onto `RenderFailure`.
///
/// Rendering runs on its own serial queue (one batch at a time; the engine's threads do the
/// parallel work), not on Swift's cooperative pool. Cancelling the task that awaits `render`
/// stops the batch after the current step.
public struct DiffusionEngineHost: ImageEngine {
    public let catalog: ModelCatalog
    private let models = LoadedModelSlot()
    private let queue = DispatchQueue(label: "sdfarm.engine")

    /// `threads`, when given, sets the engine's thread count (OpenBLAS and Swift kernels);
    /// `memoryLimit`, the bytes the engine's tensors may hold (`EngineMemory.limit`): a batch
    /// above it fails as out of memory, and the coordinator retries it smaller.
    public init(catalog: ModelCatalog, threads: Int? = nil, memoryLimit: Int? = nil) {
        self.catalog = catalog
        if let threads { EngineThreads.set(threads) }
        if let memoryLimit { EngineMemory.limit = memoryLimit }
    }

    public func render(
        _ items: [RenderItem], settings: RenderSettings,
        progress: @escaping @Sendable (EngineProgress) -> Void
    ) async throws -> [RenderedImage] {
        guard let model = catalog.model(named: settings.model) else {
            throw RenderFailure.unavailable("model \(settings.model) is not under \(catalog.directory)")
        }
        let request = try Self.request(items, settings)
        let cancelled = CancelFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    continuation.resume(
                        with: Result {
                            try run(
                                request, items: items, model: model, cancelled: cancelled, progress: progress)
                        })
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    private func run(
        _ request: GenerationRequest, items: [RenderItem], model: ModelCatalog.Model, cancelled: CancelFlag,
        progress: @escaping @Sendable (EngineProgress) -> Void
    ) throws -> [RenderedImage] {
        let pipeline: StableDiffusionPipeline
        do { pipeline = try models.pipeline(for: model) } catch {
            throw RenderFailure.unavailable("model \(model.name) cannot be loaded: \(error)")
        }
        let result: GenerationResult
        do {
            result = try pipeline.generate(request) { step in
                if cancelled.isSet {
                    throw RenderFailure.cancelled("the render was stopped after step \(step.step)")
                }
                let preview = step.preview(image: 0)
                progress(
                    EngineProgress(
                        step: step.step, totalSteps: step.total, preview: preview?.pixels ?? [],
                        previewWidth: preview?.width ?? 0, previewHeight: preview?.height ?? 0))
            }
        } catch let error as RenderFailure {
            throw error
        } catch let error as PipelineError {
            switch error.kind {
            case .invalidRequest: throw RenderFailure.invalidRequest(error.message)
            case .outOfMemory: throw RenderFailure.outOfMemory(error.message)
            case .model: throw RenderFailure.worker(error.message)
            }
        } catch {
            throw RenderFailure.worker("\(error)")
        }
        return try items.indices.map { index in
            let png: Data
            do { png = try result.pngData(image: index) } catch {
                throw RenderFailure.worker("PNG encoding: \(error)")
            }
            return RenderedImage(
                item: items[index].item, png: [UInt8](png),
                latents: Self.littleEndianBytes(result.latents(ofImage: index)))
        }
    }

    /// The pipeline request for a farm batch; names the farm cannot have meant fail for good.
    /// A width or height of 0 means the model's native size.
    static func request(_ items: [RenderItem], _ settings: RenderSettings) throws -> GenerationRequest {
        do {
            return GenerationRequest(
                images: items.map {
                    .init(prompt: $0.prompt, negativePrompt: $0.negativePrompt, seed: $0.seed)
                },
                width: settings.width > 0 ? settings.width : nil,
                height: settings.height > 0 ? settings.height : nil,
                steps: settings.steps, guidanceScale: Float(settings.cfg),
                sampler: try SamplerKind(parsing: settings.sampler),
                sigmaSchedule: try SigmaScheduleKind(parsing: settings.schedule),
                timestepSpacing: try settings.timestepSpacing.map { try TimestepSpacing(parsing: $0) },
                rng: try RNGKind(parsing: settings.rng))
        } catch {
            throw RenderFailure.invalidRequest("\(error)")
        }
    }

    /// float32 little-endian, as `RenderedImage.latents` holds them.
    static func littleEndianBytes(_ values: ArraySlice<Float>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}

/// Set when the task awaiting a render is cancelled; read by the render between steps.
final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
