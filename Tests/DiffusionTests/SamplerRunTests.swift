import Foundation
import Testing

@testable import Diffusion

private struct RunsFixture: Decodable {
    struct Case: Decodable {
        let sampler: String
        let schedule: String
        let spacing: String?
        let resolvedSpacing: String
        let steps: Int
        let seeds: [UInt64]
        let shape: [Int]
        let timesteps: [Float]
        let initNoiseSigma: Float
        let latents: [Float]
    }
    let cases: [Case]
}

/// Whole sampling runs against diffusers' schedulers driven like StableDiffusionPipeline, with
/// the fake denoiser and torch CPU generators (one per image). Tolerance: final latents within
/// 1e-5 of the reference relative to its largest magnitude.
@Suite struct SamplerRunTests {
    static let relativeTolerance: Float = 1e-5

    @Test func everySamplerMatchesDiffusers() throws {
        let fixture = try SamplerFixtures.load(RunsFixture.self, "samplers/runs.json")
        #expect(fixture.cases.count > 70)
        var worst: Float = 0
        for testCase in fixture.cases {
            let kind = try #require(SamplerKind(rawValue: testCase.sampler))
            let spacing = try testCase.spacing.map { try #require(TimestepSpacing(rawValue: $0)) }
            let sampler = try Sampler(
                kind: kind, steps: testCase.steps,
                sigmaSchedule: try #require(SigmaScheduleKind(rawValue: testCase.schedule)), spacing: spacing)
            let label = "\(kind) \(testCase.schedule) \(testCase.resolvedSpacing) \(testCase.steps) steps, seeds \(testCase.seeds)"
            #expect(sampler.schedule.spacing.rawValue == testCase.resolvedSpacing, "\(label)")
            let shape = LatentShape(batch: testCase.shape[0], channels: testCase.shape[1], height: testCase.shape[2], width: testCase.shape[3])
            var noise = NoiseBatch(rng: .cpu, seeds: testCase.seeds)
            let initial = noise.draw(perImage: shape.perImage)
            let model = FakeDenoiser(shape: shape)
            var calls: [Float] = []
            var reported: [Int] = []
            let latents = try sampler.sample(initialNoise: initial, shape: shape, noise: &noise, model: { x, t in
                calls.append(t)
                return model(x, t)
            }, progress: { progress in
                reported.append(progress.step)
                #expect(progress.total == testCase.timesteps.count)
            })
            #expect(closeAtFloatPrecision(calls, testCase.timesteps), "\(label): model timesteps")
            #expect(reported == Array(1...testCase.timesteps.count), "\(label): progress")
            #expect(closeAtFloatPrecision([sampler.schedule.initNoiseSigma], [testCase.initNoiseSigma]), "\(label): init_noise_sigma")
            let scale = testCase.latents.map(abs).max() ?? 1
            let relative = maxAbsoluteDifference(latents, testCase.latents) / scale
            worst = max(worst, relative)
            #expect(relative <= Self.relativeTolerance, "\(label): final latents off by \(relative) of their largest magnitude")
        }
        print("sampler runs: largest relative difference \(worst)")
    }

    @Test func badInputsAreClearErrors() throws {
        let sampler = try Sampler(kind: .eulerAncestral, steps: 3)
        let shape = LatentShape(batch: 2, height: 2, width: 2)
        var noise = NoiseBatch(rng: .cpu, seed: 1, count: 1)
        let model: DenoiserModel = { x, _ in x }
        #expect(throws: SamplerError.noiseSizeMismatch(expected: 32, got: 3)) {
            try sampler.sample(initialNoise: [0, 0, 0], shape: shape, noise: &noise, model: model)
        }
        #expect(throws: SamplerError.generatorCountMismatch(images: 2, generators: 1)) {
            try sampler.sample(initialNoise: .init(repeating: 0, count: 32), shape: shape, noise: &noise, model: model)
        }
        var two = NoiseBatch(rng: .cpu, seed: 1, count: 2)
        #expect(throws: SamplerError.modelOutputSizeMismatch(step: 1, expected: 32, got: 1)) {
            try sampler.sample(initialNoise: .init(repeating: 0, count: 32), shape: shape, noise: &two, model: { _, _ in [1] })
        }
        #expect(throws: SamplerError.invalidShape(LatentShape(batch: 0, height: 2, width: 2))) {
            try sampler.sample(initialNoise: [], shape: LatentShape(batch: 0, height: 2, width: 2), noise: &two, model: model)
        }
    }

    @Test func progressCanStopARun() throws {
        struct Stop: Error {}
        let sampler = try Sampler(kind: .dpmpp2M, steps: 10, sigmaSchedule: .karras)
        let shape = LatentShape(batch: 1, height: 2, width: 2)
        var noise = NoiseBatch(rng: .philox, seed: 3, count: 1)
        var calls = 0
        #expect(throws: Stop.self) {
            try sampler.sample(
                initialNoise: noise.draw(perImage: 16), shape: shape, noise: &noise,
                model: { x, _ in calls += 1; return x }, progress: { if $0.step == 4 { throw Stop() } })
        }
        #expect(calls == 4)
    }
}
