import Foundation
import Testing

@testable import Diffusion

/// The U-Net against diffusers' UNet2DConditionModel on the golden fixtures (float32): the
/// predicted noise and every block's output within 1e-4 max abs.
@Suite struct UNetFixtureTests {
    static let tolerance: Float = 1e-4

    static let configurations = ["sd1-tiny", "variant-tiny"]

    @Test(arguments: configurations)
    func folderLayoutMatchesDiffusers(_ name: String) throws {
        let model = try UNetFixtures.folderModel(name)
        let golden = try UNetFixtures.golden(name)
        let cases = UNetFixtures.cases(golden)
        #expect(!cases.isEmpty, "no cases in \(golden.path): \(UNetFixtures.regenerate)")
        for c in cases {
            var observed: [(String, Tensor)] = []
            let eps = try model.predictNoise(
                sample: golden.tensor("\(c).sample"), timesteps: golden.tensor("\(c).timesteps").scalars,
                context: golden.tensor("\(c).context"), backend: CPUBackend()
            ) { observed.append(($0, $1)) }
            for (stage, tensor) in observed {
                let expected = try golden.tensor("\(c).\(stage)")
                let diff = tensor.maxAbsDifference(expected)
                print("U-Net \(name) \(c) \(stage): max |ours − diffusers| = \(diff)")
                #expect(diff <= Self.tolerance, "\(name) \(c) \(stage): \(diff)")
            }
            #expect(observed.count == 2 + 2 * model.config.levels)
            let expected = try golden.tensor("\(c).eps")
            let diff = eps.maxAbsDifference(expected)
            print("U-Net \(name) \(c) eps: max |ours − diffusers| = \(diff) (max |eps| \(expected.maxAbs()))")
            #expect(diff <= Self.tolerance, "\(name) \(c) eps: \(diff)")
        }
    }
}

extension UNetFixtureTests {
    /// Each latent of a batch sees only its own timestep and context: the batch of two equals
    /// the two single calls.
    @Test func batchItemsAreIndependent() throws {
        let model = try UNetFixtures.folderModel("sd1-tiny")
        let golden = try UNetFixtures.golden("sd1-tiny")
        let sample = try golden.tensor("12x10.sample"), context = try golden.tensor("12x10.context")
        let timesteps = try golden.tensor("12x10.timesteps").scalars
        let both = try model.predictNoise(
            sample: sample, timesteps: timesteps, context: context, backend: CPUBackend())
        for i in 0..<2 {
            let one = try model.predictNoise(
                sample: slice(sample, i), timesteps: [timesteps[i]], context: slice(context, i),
                backend: CPUBackend())
            let diff = one.maxAbsDifference(slice(both, i))
            print("U-Net batch item \(i) alone vs in the batch: max difference \(diff)")
            #expect(diff <= 1e-5)
        }
    }

    @Test func inputsThatDoNotFitAreRejected() throws {
        let model = try UNetFixtures.folderModel("sd1-tiny")
        let backend = CPUBackend()
        let sample = Tensor(zeros: [2, 4, 8, 8]), context = Tensor(zeros: [2, 7, 20])
        #expect(throws: UNetError.self) {
            try model.predictNoise(
                sample: Tensor(zeros: [2, 3, 8, 8]), timesteps: [1], context: context, backend: backend)
        }
        #expect(throws: UNetError.self) {
            try model.predictNoise(sample: sample, timesteps: [1, 2, 3], context: context, backend: backend)
        }
        #expect(throws: UNetError.self) {
            try model.predictNoise(
                sample: sample, timesteps: [1], context: Tensor(zeros: [1, 7, 20]), backend: backend)
        }
        #expect(throws: UNetError.self) {
            try model.predictNoise(
                sample: sample, timesteps: [1], context: Tensor(zeros: [2, 7, 16]), backend: backend)
        }
        #expect(throws: UNetError.self) {
            try model.predictNoise(sample: sample, timesteps: [.nan], context: context, backend: backend)
        }
        #expect(throws: UNetError.self) {
            try model.predictNoise(
                sample: Tensor(zeros: [1, 4, 2000, 8]), timesteps: [1], context: context, backend: backend)
        }
    }

    @Test func wrongParameterShapeNamesTheTensor() throws {
        let config = try UNetConfig(contentsOf: UNetFixtures.path("sd1-tiny/unet/config.json"))
        let weights = try SafetensorsFile(
            path: UNetFixtures.path("sd1-tiny/unet/diffusion_pytorch_model.safetensors"))
        var wrong = config
        wrong.crossAttentionDim = [24, 24, 24]
        do {
            _ = try UNet2DConditionModel(config: wrong, source: "fixture") { try weights.tensor($0) }
            Issue.record("a 20-wide to_k accepted as 24-wide")
        } catch let error as UNetError {
            #expect(
                error.description.contains(
                    "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight"), "\(error)")
        }
    }

    private func slice(_ t: Tensor, _ i: Int) -> Tensor {
        let per = t.count / t.shape[0]
        let values = Array(t.scalars[(i * per)..<((i + 1) * per)])
        return Tensor(shape: [1] + t.shape.dropFirst(), values: values)
    }
}

extension UNetFixtureTests {
    /// The same weights in the single-file original layout (`model.diffusion_model.*`), read
    /// through the engine's key mapping with the architecture detected from the tensors, give
    /// exactly the folder layout's outputs.
    @Test func singleFileLayoutIsIdenticalToTheFolder() throws {
        let file = try SafetensorsFile(path: UNetFixtures.path("sd1-tiny-original.safetensors"))
        let weights = try OriginalLayout.unetWeights(singleFile: file)
        let detected = try UNetConfig(detectingFrom: weights)
        var declared = try UNetConfig(contentsOf: UNetFixtures.path("sd1-tiny/unet/config.json"))
        declared.sampleSize = nil  // not visible in tensors
        #expect(detected == declared)
        let single = try UNet2DConditionModel(config: detected, weights: weights)
        let folder = try UNetFixtures.folderModel("sd1-tiny")
        let golden = try UNetFixtures.golden("sd1-tiny")
        for c in UNetFixtures.cases(golden) {
            let (sample, context) = (try golden.tensor("\(c).sample"), try golden.tensor("\(c).context"))
            let timesteps = try golden.tensor("\(c).timesteps").scalars
            let a = try single.predictNoise(
                sample: sample, timesteps: timesteps, context: context, backend: CPUBackend())
            let b = try folder.predictNoise(
                sample: sample, timesteps: timesteps, context: context, backend: CPUBackend())
            #expect(
                a.maxAbsDifference(b) == 0, "\(c): single file and folder differ by \(a.maxAbsDifference(b))")
            let diff = a.maxAbsDifference(try golden.tensor("\(c).eps"))
            print("U-Net sd1-tiny single file \(c) eps: max |ours − diffusers| = \(diff)")
            #expect(diff <= Self.tolerance)
        }
    }

    /// Loading through `WeightSource` finds what the checkpoint lacks and what it has too much of.
    @Test func auditFindsMissingAndUnexpectedTensors() throws {
        let file = try SafetensorsFile(
            path: UNetFixtures.path("sd1-tiny/unet/diffusion_pytorch_model.safetensors"))
        let weights = WeightSource(file: file)
        let config = try UNetConfig(contentsOf: UNetFixtures.path("sd1-tiny/unet/config.json"))
        let clean = WeightLoader(weights, mode: .audit)
        _ = try UNet2DConditionModel(config: config, loader: clean)
        try clean.finish()
        #expect(clean.problems.isEmpty, "\(clean.problems)")

        var fewer = config
        fewer.layersPerBlock = [1, 1, 1]  // the checkpoint has 2 ResNets per level
        let audit = WeightLoader(weights, mode: .audit)
        _ = try UNet2DConditionModel(config: fewer, loader: audit)
        try audit.finish()
        #expect(
            audit.problems.contains(.unexpected("down_blocks.0.resnets.1.conv1.weight")),
            "\(audit.problems.prefix(5))")
        #expect(throws: CheckpointError.self) { try UNet2DConditionModel(config: fewer, weights: weights) }
    }
}
