import Foundation
import Testing

@testable import Diffusion

/// The bundled model, models/sdfarm-shapes, run through the Swift pipeline at its native 64×64:
/// the images must show what the captions say, as `ShapeScorer` measures it.
///
/// The three captions (one star, one square, one circle; none of them a held-out triple) and
/// seed 0 were fixed before the model was trained and are not picked per seed after seeing the
/// output. They were written while the earlier model failed them (1 of 48 such images right), and
/// the check stayed disabled until a retrained model met issue 7's held-out targets
/// (docs/small-model.md, the card's scores). It renders with the held-out evaluation's settings
/// (DPM++ 2M Karras, 25 steps, CFG 6). The test first used 12 steps to save time; with this model
/// 12 DPM++ 2M Karras steps leave visible noise (held-out at 12 steps: colours 90 %, shape 62.5 %,
/// and this test's circle came out as a noisy blob), so it now uses the steps the scores are
/// quoted for — documented in the card, not tuned per caption.
@Suite("Bundled model draws what the caption says (models/sdfarm-shapes)")
struct SmallModelSemanticTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/sdfarm-shapes").path

    static let cases: [(prompt: String, colour: PaletteColour, shape: ShapeKind, background: PaletteColour)] =
        [
            ("a blue star on a white background", .blue, .star, .white),
            ("a yellow square on a black background", .yellow, .square, .black),
            ("a green circle on a purple background", .green, .circle, .purple),
        ]

    /// Enabled now: the single file (no configs: width-32 text encoder, factor-4 VAE, heads and
    /// scaling factor all detected from shapes) must render what the folder renders.
    @Test("the folder and the single file load and give the same 64×64 image", .timeLimit(.minutes(2)))
    func layoutsAgree() async throws {
        let request = GenerationRequest(
            prompt: Self.cases[0].prompt, seed: 0, width: 64, height: 64, steps: 4, guidanceScale: 6)
        let (folder, single) = try await offCooperativePool {
            (
                try StableDiffusionPipeline(loading: Self.model).generate(request).images[0],
                try StableDiffusionPipeline(loading: Self.model + ".safetensors").generate(request).images[0]
            )
        }
        #expect(folder.width == 64 && folder.height == 64)
        let maxDiff = zip(folder.pixels, single.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        print("sdfarm-shapes folder vs single file: max pixel difference \(maxDiff)")
        #expect(maxDiff <= 1, "folder and single file differ by up to \(maxDiff)")
    }

    @Test(
        "each caption's image has the caption's colours and shape",
        .timeLimit(.minutes(3)))
    func captionsMatch() async throws {
        let request = GenerationRequest(
            images: Self.cases.map { .init(prompt: $0.prompt, seed: 0) }, width: 64, height: 64, steps: 25,
            guidanceScale: 6, sampler: .dpmpp2M, sigmaSchedule: .karras)
        let (nativeSize, images) = try await offCooperativePool {
            let pipeline = try StableDiffusionPipeline(loading: Self.model)
            return (pipeline.nativeSize, try pipeline.generate(request).images)
        }
        #expect(nativeSize.width == 64 && nativeSize.height == 64)
        for (c, image) in zip(Self.cases, images) {
            let got = ShapeScorer.score(image)
            #expect(got.background == c.background, "\(c.prompt): \(got)")
            #expect(got.colour == c.colour, "\(c.prompt): \(got)")
            #expect(got.shape == c.shape, "\(c.prompt): \(got)")
        }
    }
}
