import Testing

@testable import Diffusion

/// The VAE against diffusers' AutoencoderKL on the tiny fixture (3 levels, one with the
/// channel-changing shortcut path, non-square sizes), in both layouts: 1e-4 max abs.
@Suite("VAE: AutoencoderKL against diffusers")
struct VAETests {
    @Test("decode matches the reference in both layouts")
    func decode() throws {
        let golden = try ModelFixtures.golden()
        let latents = try golden.tensor("vae.decode.latents")
        var outputs: [Tensor] = []
        for checkpoint in try ModelFixtures.checkpoints() {
            let image = try checkpoint.loadVAE().decode(latents, backend: CPUBackend())
            #expect(
                matchesGolden(
                    "\(checkpoint.layout.rawValue) decode", image, try golden.tensor("vae.decode.sample")))
            outputs.append(image)
        }
        #expect(
            outputs[0].maxAbsDifference(outputs[1]) == 0, "folder and single file must give identical outputs"
        )
    }

    @Test("encode mean and log-variance match the reference in both layouts")
    func encode() throws {
        let golden = try ModelFixtures.golden()
        let image = try golden.tensor("vae.encode.image")
        for checkpoint in try ModelFixtures.checkpoints() {
            let dist = try checkpoint.loadVAE().encode(image, backend: CPUBackend())
            #expect(
                matchesGolden(
                    "\(checkpoint.layout.rawValue) encode mean", dist.mean,
                    try golden.tensor("vae.encode.mean")))
            #expect(
                matchesGolden(
                    "\(checkpoint.layout.rawValue) encode logvar", dist.logVariance,
                    try golden.tensor("vae.encode.logvar")))
        }
    }

    @Test("the scaling factor comes from the config")
    func scalingFactor() throws {
        #expect(try Checkpoint.open(ModelFixtures.folder).vae.config.scalingFactor == 0.18215)
    }

    @Test("wrong input shapes are errors")
    func badShapes() throws {
        let vae = try Checkpoint.open(ModelFixtures.folder).loadVAE()
        #expect(throws: VAEError.self) { try vae.decode(Tensor(zeros: [1, 3, 4, 4]), backend: CPUBackend()) }
        #expect(throws: VAEError.self) {
            try vae.encode(Tensor(zeros: [1, 3, 10, 8]), backend: CPUBackend())
        }
        #expect(throws: VAEError.self) { try vae.encode(Tensor(zeros: [3, 8, 8]), backend: CPUBackend()) }
    }
}
