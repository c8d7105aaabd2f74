import Foundation
import Testing

@testable import Diffusion

private struct TrainingFixture: Decodable {
    let alphasCumprod: [Float]
    let sigmas: [Float]
}

private struct SchedulesFixture: Decodable {
    struct Case: Decodable {
        let sampler: String
        let schedule: String
        let spacing: String?
        let steps: Int
        let error: String?
        let timesteps: [Float]?
        let sigmas: [Float]?
        let initNoiseSigma: Float?
    }
    let cases: [Case]
}

private struct SweepFixture: Decodable {
    struct Case: Decodable {
        let sampler: String
        let schedule: String
        let spacing: String
        /// For N = 1…300: the FNV-1a digest of diffusers' timesteps, or "refused".
        let digests: [String]
    }
    let cases: [Case]
}

/// FNV-1a, 64 bit, as scripts/make-sampler-fixtures.py computes it.
private func fnv1a64(_ text: String) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// Relative closeness at float32 precision: |a − b| ≤ 1e-6·max(1, |b|).
func closeAtFloatPrecision(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }
}

/// Timesteps, σ and init_noise_sigma of every sampler, schedule and spacing against diffusers'
/// set_timesteps (scripts/make-sampler-fixtures.py). Tolerance: float32 precision, 1e-6 relative.
@Suite struct SamplerScheduleTests {
    @Test func trainingTablesMatchTorch() throws {
        let fixture = try SamplerFixtures.load(TrainingFixture.self, "samplers/training-schedule.json")
        let training = TrainingNoiseSchedule(SchedulerSettings(.sd15, for: .euler))
        // β (torch.linspace with FMA) and ᾱ (cumprod accumulated in double) are bit-exact.
        #expect(training.alphasCumprod == fixture.alphasCumprod)
        // σ: torch 2.15's CPU sqrt is not correctly rounded (1 ulp off on about a fifth of the
        // table); ours is, so allow 1 ulp.
        let ulps = zip(training.sigmas, fixture.sigmas).map { abs($0 - $1) / $1.ulp }
        print("training σ table: largest difference \(ulps.max() ?? 0) ulp")
        #expect(ulps.allSatisfy { $0 <= 1 })
        #expect(abs(training.sigmas[999] - 14.614647) < 1e-5)
        #expect(abs(training.sigmas[0] - 0.029167) < 1e-5)
    }

    @Test func everyScheduleMatchesDiffusers() throws {
        let fixture = try SamplerFixtures.load(SchedulesFixture.self, "samplers/schedules.json")
        #expect(fixture.cases.count > 400)
        var compared = 0
        for testCase in fixture.cases {
            let kind = try #require(SamplerKind(rawValue: testCase.sampler))
            let sigmaSchedule = try #require(SigmaScheduleKind(rawValue: testCase.schedule))
            let spacing = try testCase.spacing.map { try #require(TimestepSpacing(rawValue: $0)) }
            let label =
                "\(kind) \(sigmaSchedule) \(testCase.spacing ?? "default spacing") \(testCase.steps) steps"
            let made = Result {
                try SamplerSchedule(
                    kind: kind, steps: testCase.steps, sigmaSchedule: sigmaSchedule, spacing: spacing)
            }
            guard let timesteps = testCase.timesteps else {
                #expect(throws: SamplerError.self, "\(label): diffusers refuses (\(testCase.error ?? ""))") {
                    try made.get()
                }
                continue
            }
            if kind == .ddim || kind == .pndm, timesteps.contains(where: { $0 < 0 || $0 >= 1000 }) {
                // diffusers would index ᾱ out of range (Python wraps −1 to the last entry): refused here.
                #expect(throws: SamplerError.self, "\(label)") { try made.get() }
                continue
            }
            let schedule = try made.get()
            #expect(
                closeAtFloatPrecision(schedule.timesteps, timesteps),
                "\(label): timesteps \(schedule.timesteps) vs \(timesteps)")
            #expect(
                closeAtFloatPrecision(schedule.sigmas, testCase.sigmas ?? []),
                "\(label): sigmas \(schedule.sigmas) vs \(testCase.sigmas ?? [])")
            if let sigma = testCase.initNoiseSigma {
                #expect(
                    closeAtFloatPrecision([schedule.initNoiseSigma], [sigma]), "\(label): init_noise_sigma")
            }
            compared += 1
        }
        print("schedules compared with diffusers: \(compared) of \(fixture.cases.count)")
        #expect(compared > 400)
    }

    /// Every step count from 1 to 300, exact: integer timesteps as numbers, float ones bit for bit.
    @Test func timestepsAreExactForEveryStepCount() throws {
        let fixture = try SamplerFixtures.load(SweepFixture.self, "samplers/timestep-sweep.json")
        var compared = 0
        for sweep in fixture.cases {
            let kind = try #require(SamplerKind(rawValue: sweep.sampler))
            let schedule = try #require(SigmaScheduleKind(rawValue: sweep.schedule))
            let spacing = try #require(TimestepSpacing(rawValue: sweep.spacing))
            let integers = kind == .ddim || kind == .pndm || kind == .dpmpp2M
            for (index, expected) in sweep.digests.enumerated() {
                let steps = index + 1
                let made = Result {
                    try SamplerSchedule(kind: kind, steps: steps, sigmaSchedule: schedule, spacing: spacing)
                }
                if expected == "refused" {
                    #expect(throws: SamplerError.self, "\(kind) \(spacing) \(steps) steps") { try made.get() }
                    continue
                }
                let timesteps = try made.get().timesteps
                let text = timesteps.map { integers ? String(Int($0)) : String($0.bitPattern) }.joined(
                    separator: ",")
                #expect(
                    fnv1a64(text) == expected, "\(kind) \(schedule) \(spacing) \(steps) steps: \(timesteps)")
                compared += 1
            }
        }
        print("timestep sweep: \(compared) schedules exact")
        #expect(compared > 6000)
    }

    @Test func defaultSpacingFollowsEachDiffusersClass() throws {
        for kind in SamplerKind.allCases {
            let schedule = try SamplerSchedule(kind: kind, steps: 10)
            #expect(schedule.spacing == ((kind == .ddim || kind == .pndm) ? .leading : .linspace))
        }
        var config = SchedulerConfig.sd15
        config.timestepSpacing = .trailing
        #expect(try SamplerSchedule(kind: .euler, steps: 10, config: config).spacing == .trailing)
        #expect(
            try SamplerSchedule(kind: .euler, steps: 10, spacing: .leading, config: config).spacing
                == .leading)
    }

    @Test func modelCallCounts() throws {
        #expect(try SamplerSchedule(kind: .pndm, steps: 25).modelEvaluations == 26)
        #expect(try SamplerSchedule(kind: .heun, steps: 25).modelEvaluations == 49)
        #expect(try SamplerSchedule(kind: .dpmpp2M, steps: 25, sigmaSchedule: .karras).modelEvaluations == 25)
    }

    @Test func impossibleRequestsAreClearErrors() {
        #expect(throws: SamplerError.invalidSteps(0, trainTimesteps: 1000)) {
            try SamplerSchedule(kind: .euler, steps: 0)
        }
        #expect(throws: SamplerError.invalidSteps(1001, trainTimesteps: 1000)) {
            try SamplerSchedule(kind: .ddim, steps: 1001)
        }
        #expect(throws: SamplerError.self) {
            try SamplerSchedule(kind: .eulerAncestral, steps: 10, sigmaSchedule: .karras)
        }
        #expect(throws: SamplerError.self) {
            try SamplerSchedule(kind: .ddim, steps: 10, sigmaSchedule: .karras)
        }
        var vPrediction = SchedulerConfig.sd15
        vPrediction.predictionType = .vPrediction
        #expect(throws: SamplerError.self) {
            try SamplerSchedule(kind: .euler, steps: 10, config: vPrediction)
        }
    }

    @Test func schedulerConfigFileIsReadWithItsGaps() throws {
        let json = """
            {"_class_name": "PNDMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "num_train_timesteps": 1000, "set_alpha_to_one": false,
             "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null, "clip_sample": false}
            """
        let config = try SchedulerConfig(json: Data(json.utf8), source: "scheduler_config.json")
        #expect(config == .sd15)
        #expect(config.timestepSpacing == nil)
        #expect(config.className == "PNDMScheduler")
        // StableDiffusionPipeline's load-time fix-up of outdated configs.
        let outdated = #"{"_class_name": "DDIMScheduler", "steps_offset": 0, "clip_sample": true}"#
        let fixed = try SchedulerConfig(json: Data(outdated.utf8), source: "old.json")
        #expect(fixed.stepsOffset == 1 && fixed.clipSample == false && fixed.className == "DDIMScheduler")
        // Used as loaded, a missing steps_offset is fixed up too; swapped in, the class default holds.
        let sparse = try SchedulerConfig(
            json: Data(#"{"_class_name": "PNDMScheduler", "skip_prk_steps": true}"#.utf8), source: "p.json")
        #expect(try SamplerSchedule(kind: .pndm, steps: 10, config: sparse).timesteps.first == 901)
        #expect(try SamplerSchedule(kind: .ddim, steps: 10, config: sparse).timesteps.first == 900)
        let bad = #"{"beta_schedule": "sigmoid"}"#
        #expect(
            throws: SchedulerConfigError(
                source: "x.json", key: "beta_schedule", reason: "unsupported value \"sigmoid\"")
        ) {
            try SchedulerConfig(json: Data(bad.utf8), source: "x.json")
        }
        #expect(throws: SchedulerConfigError.self) {
            try SchedulerConfig(json: Data(#"{"steps_offset": "one"}"#.utf8), source: "x.json")
        }
        #expect(throws: SchedulerConfigError.self) {
            try SchedulerConfig(json: Data("[1]".utf8), source: "x.json")
        }
    }
}
