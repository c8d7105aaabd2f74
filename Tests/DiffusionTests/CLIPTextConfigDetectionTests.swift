import Testing

@testable import Diffusion

/// Single-file checkpoints carry no config: the text encoder's heads are inferred from its width.
@Suite("CLIP text config detected from tensor shapes")
struct CLIPTextConfigDetectionTests {
    /// The tensors detection reads, for a `width`-wide, 2-layer encoder (values unused).
    private func weights(width: Int) -> WeightSource {
        var t: [String: Tensor] = [
            "text_model.embeddings.token_embedding.weight": Tensor(zeros: [100, width]),
            "text_model.embeddings.position_embedding.weight": Tensor(zeros: [77, width]),
        ]
        for layer in 0..<2 {
            t["text_model.encoder.layers.\(layer).self_attn.q_proj.weight"] = Tensor(zeros: [width, width])
            t["text_model.encoder.layers.\(layer).mlp.fc1.weight"] = Tensor(zeros: [4 * width, width])
        }
        return WeightSource(origin: "test", tensors: t)
    }

    @Test("64-wide heads for SD widths")
    func sdWidths() throws {
        let c = try CLIPTextConfig(detectingFrom: weights(width: 768))
        #expect(c.heads == 12)
        #expect(c.hiddenSize == 768 && c.intermediateSize == 3072 && c.layers == 2 && c.maxPositions == 77)
    }

    @Test("one head for a text encoder narrower than 64 (models/sdfarm-shapes is 32 wide)")
    func narrow() throws {
        let c = try CLIPTextConfig(detectingFrom: weights(width: 32))
        #expect(c.heads == 1 && c.hiddenSize == 32)
    }

    @Test("a width above 64 that 64 does not divide is rejected with the width in the message")
    func rejectsOddWidth() {
        #expect(throws: CheckpointError.self) { try CLIPTextConfig(detectingFrom: weights(width: 96)) }
        do {
            _ = try CLIPTextConfig(detectingFrom: weights(width: 96))
        } catch {
            #expect("\(error)".contains("96"))
        }
    }
}
