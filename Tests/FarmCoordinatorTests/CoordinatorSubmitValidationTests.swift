import FarmClient
import FarmProtocol
import Foundation
import Testing

@testable import FarmTesting

/// Issue 13 item 9: the coordinator runs the same `RenderSettingsValidation` as the CLI, so a
/// client that skips the CLI's checks cannot store items every worker would refuse.
@Suite("Coordinator: submitted settings are validated")
struct CoordinatorSubmitValidationTests {
    @Test func aBadItemIsRefusedAndNothingIsStored() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let k = farm.farm.key
        let good = RenderSettings(
            model: k.model, width: 64, height: 64, steps: 3, sampler: "euler", schedule: "default", cfg: 5)
        var bad: [(RenderSettings, String)] = []
        var spec = good
        spec.cfg = -1
        bad.append((spec, "cfg must be a number from 0 to 50, not -1.0"))
        spec = good
        spec.width = 36
        bad.append((spec, "width must be a multiple of 8 from 8 to 4096, not 36"))
        spec = good
        spec.sampler = "dpm++"
        bad.append((spec, "sampler must be one of"))
        spec = good
        spec.model = ""
        bad.append((spec, "model must be a model name"))
        for (spec, expected) in bad {
            let error = await #expect(throws: FarmClientError.self) {
                try await farm.client { conn in
                    try await conn.beginSubmit(priority: 0, owner: "t", settings: "{}")
                    try await conn.submit(SubmitItems.Item(prompt: "ok", negative: "", seed: 1, spec: good))
                    try await conn.submit(SubmitItems.Item(prompt: "bad", negative: "", seed: 2, spec: spec))
                    return try await conn.commit().jobID
                }
            }
            #expect(
                error?.description.contains("item 1: \(expected)") == true, "\(String(describing: error))")
        }
        #expect(try await farm.client { try await $0.status().jobs }.isEmpty)
        await farm.stop()
        await farm.farm.cleanUp()
    }
}
