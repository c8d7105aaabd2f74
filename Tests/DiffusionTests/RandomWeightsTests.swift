import Testing

@testable import Diffusion

/// Random-weight models for the benchmarks: every tensor the model asks for is made, with the
/// stated distribution, reproducibly from the seed.
@Suite struct RandomWeightsTests {
    static let tinyText = CLIPTextConfig(
        vocabSize: 300, hiddenSize: 16, intermediateSize: 64, layers: 2, heads: 2,
        maxPositions: 12, activation: .quickGelu, layerNormEpsilon: 1e-5)

    @Test func textEncoderRunsAndIsReproducible() throws {
        let ids: [[Int32]] = [[1, 5, 9, 299, 299], [1, 299, 299, 299, 299]]
        let a = try CLIPTextModel.random(config: Self.tinyText, seed: 7)(ids, backend: CPUBackend())
        let b = try CLIPTextModel.random(config: Self.tinyText, seed: 7)(ids, backend: CPUBackend())
        let c = try CLIPTextModel.random(config: Self.tinyText, seed: 8)(ids, backend: CPUBackend())
        #expect(a.shape == [2, 5, 16])
        #expect(a.scalars.allSatisfy { $0.isFinite })
        #expect(a.scalars == b.scalars)
        #expect(a.scalars != c.scalars)
        // The final layer norm (weight 1, bias 0) leaves every row with mean 0 and variance ≈ 1.
        for row in stride(from: 0, to: a.count, by: 16) {
            let values = a.scalars[row..<row + 16]
            let mean = values.reduce(0, +) / 16
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 16
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-2)
        }
    }

    @Test func weightsHaveVarianceOneOverFanIn() throws {
        let source = try RandomWeights.make(seed: 3, origin: "test") { loader in
            _ = try CLIPTextModel(config: Self.tinyText, loader: loader)
        }
        let fc1 = try source.tensor("text_model.encoder.layers.0.mlp.fc1.weight")
        #expect(fc1.shape == [64, 16])
        let variance = fc1.scalars.reduce(0) { $0 + $1 * $1 } / Float(fc1.count)
        #expect(abs(variance - 1 / 16) < 0.2 / 16)
        let norm = try source.tensor("text_model.final_layer_norm.weight")
        #expect(norm.scalars.allSatisfy { $0 == 1 })
    }
}
