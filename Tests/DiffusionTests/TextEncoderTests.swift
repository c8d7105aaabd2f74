import Testing

@testable import Diffusion

/// The CLIP text encoder against transformers' CLIPTextModel on the tiny fixture, in both
/// checkpoint layouts: 1e-4 max abs (float32).
@Suite("Text encoder: CLIP against transformers")
struct TextEncoderTests {
    @Test("hidden states and clip skip match the reference in both layouts")
    func golden() throws {
        let golden = try ModelFixtures.golden()
        let ids = ModelFixtures.ids(try golden.tensor("text.input_ids"))
        var outputs: [Tensor] = []
        for checkpoint in try ModelFixtures.checkpoints() {
            let model = try checkpoint.loadTextEncoder()
            let hidden = try model(ids, backend: CPUBackend())
            #expect(
                matchesGolden(
                    "\(checkpoint.layout.rawValue) last_hidden_state", hidden,
                    try golden.tensor("text.last_hidden_state")))
            let skip2 = try model(ids, clipSkip: 2, backend: CPUBackend())
            #expect(
                matchesGolden(
                    "\(checkpoint.layout.rawValue) clip skip 2", skip2, try golden.tensor("text.clip_skip_2"))
            )
            outputs.append(hidden)
        }
        #expect(
            outputs[0].maxAbsDifference(outputs[1]) == 0, "folder and single file must give identical outputs"
        )
    }

    @Test("the reference backend gives the same hidden states")
    func referenceBackend() throws {
        let golden = try ModelFixtures.golden()
        let ids = Array(ModelFixtures.ids(try golden.tensor("text.input_ids")).prefix(1))
        let model = try Checkpoint.open(ModelFixtures.folder).loadTextEncoder()
        let expected = try golden.tensor("text.last_hidden_state")
        let hidden = try model(ids, backend: ReferenceBackend())
        let firstRow = Tensor(
            shape: [1] + Array(expected.shape.dropFirst()),
            values: Array(expected.scalars.prefix(hidden.count)))
        #expect(matchesGolden("reference backend", hidden, firstRow))
    }

    @Test(
        "bad ids, lengths and clip skip are errors",
        arguments: [
            ([[Int32]](), 1), ([[Int32](repeating: 1, count: 78)], 1), ([[1, 2], [1]], 1),
            ([[1, 256]], 1), ([[-1]], 1), ([[1, 2]], 0), ([[1, 2]], 3),
        ])
    func badInput(_ c: ([[Int32]], Int)) throws {
        let model = try Checkpoint.open(ModelFixtures.folder).loadTextEncoder()
        #expect(throws: TextEncoderError.self) { try model(c.0, clipSkip: c.1, backend: CPUBackend()) }
    }
}
