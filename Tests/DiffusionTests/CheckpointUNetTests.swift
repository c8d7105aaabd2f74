import Testing

@testable import Diffusion

/// The U-Net loaded through `Checkpoint` from both layouts of the engine's tiny fixture,
/// against diffusers' UNet2DConditionModel output (1e-4 max abs): the single-file key mapping
/// and architecture detection, end to end.
@Suite("Checkpoint: U-Net through both layouts")
struct CheckpointUNetTests {
    @Test("noise prediction matches diffusers in both layouts")
    func golden() throws {
        let golden = try ModelFixtures.golden()
        let sample = try golden.tensor("unet.sample")
        let context = try golden.tensor("text.last_hidden_state")
        let timestep = try golden.tensor("unet.timestep").scalars
        var outputs: [Tensor] = []
        for checkpoint in try ModelFixtures.checkpoints() {
            #expect(checkpoint.auditUNet().isEmpty)
            let eps = try checkpoint.loadUNet().predictNoise(
                sample: sample, timesteps: timestep, context: context, backend: CPUBackend())
            #expect(matchesGolden("\(checkpoint.layout.rawValue) U-Net", eps, try golden.tensor("unet.out")))
            outputs.append(eps)
        }
        #expect(
            outputs[0].maxAbsDifference(outputs[1]) == 0, "folder and single file must give identical outputs"
        )
    }
}
