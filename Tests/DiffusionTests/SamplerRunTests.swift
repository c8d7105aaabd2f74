import Foundation
import Testing

@testable import Diffusion

private struct RunsFixture: Decodable {
    struct Case: Decodable {
        let sampler: String
        let config: String
        let schedule: String
        let spacing: String?
        let resolvedSpacing: String?
        let steps: Int
        let seeds: [UInt64]
        let shape: [Int]
        let error: String?
        let timesteps: [Float]?
        let initNoiseSigma: Float?
        let latents: [Float]?
    }
    let cases: [Case]
    /// scheduler_config.json contents by name, for configs "file:NAME".
    let fileConfigs: [String: JSONValue]
}

/// Any JSON value, kept to be written back out as the file it came from.
private enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var foundation: Any {
        switch self {
        case .null: NSNull()
        case .bool(let value): value
        case .number(let value): value
        case .string(let value): value
        case .array(let values): values.map(\.foundation)
        case .object(let values): values.mapValues(\.foundation)
        }
    }
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
            let made = Result {
                try Sampler(
                    kind: kind, steps: testCase.steps,
                    sigmaSchedule: try #require(SigmaScheduleKind(rawValue: testCase.schedule)),
                    spacing: spacing,
                    config: try Self.config(named: testCase.config, files: fixture.fileConfigs))
            }
            let label =
                "\(kind) (\(testCase.config)) \(testCase.schedule) \(testCase.resolvedSpacing ?? "-") \(testCase.steps) steps, seeds \(testCase.seeds)"
            guard let expectedLatents = testCase.latents, let timesteps = testCase.timesteps,
                let initNoiseSigma = testCase.initNoiseSigma
            else {
                // diffusers fails on this one: we must refuse it up front.
                #expect(throws: SamplerError.self, "\(label): diffusers fails with \(testCase.error ?? "?")")
                { try made.get() }
                continue
            }
            let sampler = try made.get()
            #expect(sampler.schedule.spacing.rawValue == testCase.resolvedSpacing, "\(label)")
            let shape = LatentShape(
                batch: testCase.shape[0], channels: testCase.shape[1], height: testCase.shape[2],
                width: testCase.shape[3])
            var noise = NoiseBatch(rng: .cpu, seeds: testCase.seeds)
            let initial = noise.draw(perImage: shape.perImage)
            let model = FakeDenoiser(shape: shape)
            var calls: [Float] = []
            var reported: [Int] = []
            let latents = try sampler.sample(
                initialNoise: initial, shape: shape, noise: &noise,
                model: { x, t in
                    calls.append(t)
                    return model(x, t)
                },
                progress: { progress in
                    reported.append(progress.step)
                    #expect(progress.total == timesteps.count)
                })
            #expect(closeAtFloatPrecision(calls, timesteps), "\(label): model timesteps")
            #expect(reported == Array(1...timesteps.count), "\(label): progress")
            #expect(
                closeAtFloatPrecision([sampler.schedule.initNoiseSigma], [initNoiseSigma]),
                "\(label): init_noise_sigma")
            #expect(latents.count == expectedLatents.count)
            let scale = expectedLatents.map(abs).max() ?? 1
            let relative = maxAbsoluteDifference(latents, expectedLatents) / scale
            worst = max(worst, relative)
            #expect(
                relative <= Self.relativeTolerance,
                "\(label): final latents off by \(relative) of their largest magnitude")
        }
        print("sampler runs: largest relative difference \(worst)")
    }

    /// The scheduler configs the fixture script uses.
    private static func config(named name: String, files: [String: JSONValue]) throws -> SchedulerConfig {
        if name.hasPrefix("file:") {
            // Parsed from the very JSON diffusers loaded, the pipeline's fix-ups included.
            let file = String(name.dropFirst(5))
            guard let contents = files[file] else { throw FixtureError("no file config \(file)") }
            let data = try JSONSerialization.data(withJSONObject: contents.foundation)
            return try SchedulerConfig(json: data, source: "\(file)/scheduler_config.json")
        }
        switch name {
        case "sd15":
            return .sd15
        case "class-defaults":
            // Nothing given: every key takes the sampler class's default (pndm runs PLMS).
            return SchedulerConfig(skipPRKSteps: true)
        case "cosine":
            var config = SchedulerConfig.sd15
            config.betaSchedule = .squaredCosCapV2
            return config
        default:
            throw FixtureError("unknown fixture config \(name)")
        }
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
            try sampler.sample(
                initialNoise: .init(repeating: 0, count: 32), shape: shape, noise: &noise, model: model)
        }
        var two = NoiseBatch(rng: .cpu, seed: 1, count: 2)
        #expect(throws: SamplerError.modelOutputSizeMismatch(step: 1, expected: 32, got: 1)) {
            try sampler.sample(
                initialNoise: .init(repeating: 0, count: 32), shape: shape, noise: &two,
                model: { _, _ in [1] })
        }
        #expect(throws: SamplerError.invalidShape(LatentShape(batch: 0, height: 2, width: 2))) {
            try sampler.sample(
                initialNoise: [], shape: LatentShape(batch: 0, height: 2, width: 2), noise: &two, model: model
            )
        }
    }

    @Test func oversizedShapesAreRefusedBeforeAllocating() throws {
        let sampler = try Sampler(kind: .euler, steps: 2)
        var noise = NoiseBatch(rng: .cpu, seed: 0, count: 1)
        let huge = LatentShape(batch: 1 << 20, height: 1 << 20, width: 1 << 30)
        #expect(!huge.isValid)
        #expect(throws: SamplerError.invalidShape(huge)) {
            try sampler.sample(initialNoise: [], shape: huge, noise: &noise, model: { x, _ in x })
        }
    }

    @Test func namesParseWithHelpfulErrors() throws {
        #expect(try SamplerKind(parsing: "euler_a") == .eulerAncestral)
        #expect(try SamplerKind(parsing: "dpmpp_2m") == .dpmpp2M)
        #expect(try RNGKind(parsing: "philox") == .philox)
        #expect(try TimestepSpacing(parsing: "trailing") == .trailing)
        let error = UnknownChoiceError(
            option: "sampler", value: "dpm++",
            choices: ["ddim", "pndm", "euler", "euler_a", "dpmpp_2m", "lms", "heun"])
        #expect(throws: error) { try SamplerKind(parsing: "dpm++") }
        #expect(
            error.description
                == "unknown sampler \"dpm++\" (choose one of: ddim, pndm, euler, euler_a, dpmpp_2m, lms, heun)"
        )
        #expect(throws: UnknownChoiceError.self) { try SigmaScheduleKind(parsing: "Karras") }
    }

    @Test(arguments: SamplerKind.allCases)
    func progressCarriesTheDenoisedEstimate(kind: SamplerKind) throws {
        let sampler = try Sampler(kind: kind, steps: 6)
        let shape = LatentShape(batch: 2, height: 3, width: 5)
        var noise = NoiseBatch(rng: .cpu, seed: 9, count: 2)
        let model = FakeDenoiser(shape: shape)
        var last: SamplerProgress?
        let latents = try sampler.sample(
            initialNoise: noise.draw(perImage: shape.perImage), shape: shape, noise: &noise,
            model: { x, t in model(x, t) }, progress: { last = $0 })
        let final = try #require(last)
        #expect(final.step == sampler.schedule.modelEvaluations && final.latents == latents)
        #expect(final.denoised.count == shape.count && final.denoised.allSatisfy(\.isFinite))
        if kind != .ddim && kind != .pndm {
            // The last step goes to σ = 0, where the latents are the model's estimate x̂₀.
            let scale = latents.map(abs).max() ?? 1
            #expect(maxAbsoluteDifference(final.denoised, latents) <= 1e-5 * scale)
        }
    }

    @Test(arguments: [RNGKind.cpu, .philox])
    func anImageOfABatchCanBeRemadeAlone(rng: RNGKind) throws {
        let sampler = try Sampler(kind: .eulerAncestral, steps: 8)
        let batch = LatentShape(batch: 3, height: 4, width: 4)
        let single = LatentShape(batch: 1, height: 4, width: 4)
        let model = FakeDenoiser(shape: batch)
        var noise = NoiseBatch(rng: rng, seed: 500, count: 3)
        let all = try sampler.sample(
            initialNoise: noise.draw(perImage: batch.perImage), shape: batch, noise: &noise,
            model: { model($0, $1) })
        var alone = NoiseBatch(rng: rng, seed: 502, count: 1)
        let third = try sampler.sample(
            initialNoise: alone.draw(perImage: single.perImage), shape: single, noise: &alone,
            model: { model($0, $1) })
        #expect(Array(all[(2 * batch.perImage)...]) == third)
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
                model: { x, _ in
                    calls += 1; return x
                }, progress: { if $0.step == 4 { throw Stop() } })
        }
        #expect(calls == 4)
    }
}
