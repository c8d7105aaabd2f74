// Follows diffusers' scheduler configuration (scheduler/scheduler_config.json) and the
// class defaults that `SchedulerClass.from_config` fills in for keys the file leaves out.
import Foundation

/// How the training betas are laid out over the train timesteps.
public enum BetaSchedule: String, Sendable, Equatable {
    case linear
    /// SD 1.x: linspace(√β_start, √β_end, T)².
    case scaledLinear = "scaled_linear"
    /// The cosine schedule of Nichol & Dhariwal (diffusers' betas_for_alpha_bar).
    case squaredCosCapV2 = "squaredcos_cap_v2"
}

/// What the model predicts. Only epsilon models are supported so far (SD 1.x).
public enum PredictionType: String, Sendable, Equatable {
    case epsilon
    case vPrediction = "v_prediction"
    case sample
}

/// A model's scheduler settings as its `scheduler_config.json` gives them. A key the file does
/// not name stays `nil`: each sampler then uses its own diffusers class default for it, which
/// is what a diffusers user gets who swaps schedulers with `from_config`.
public struct SchedulerConfig: Sendable, Equatable {
    public var numTrainTimesteps: Int?
    public var betaStart: Double?
    public var betaEnd: Double?
    public var betaSchedule: BetaSchedule?
    public var predictionType: PredictionType?
    public var stepsOffset: Int?
    public var setAlphaToOne: Bool?
    public var clipSample: Bool?
    public var clipSampleRange: Double?
    public var skipPRKSteps: Bool?
    public var timestepSpacing: TimestepSpacing?
    /// The diffusers class the file was written for (`_class_name`). Used as that class, a
    /// scheduler keeps the pipeline's load-time fix-ups even for keys the file leaves out.
    public var className: String?

    public init(
        numTrainTimesteps: Int? = nil, betaStart: Double? = nil, betaEnd: Double? = nil,
        betaSchedule: BetaSchedule? = nil, predictionType: PredictionType? = nil,
        stepsOffset: Int? = nil, setAlphaToOne: Bool? = nil, clipSample: Bool? = nil,
        clipSampleRange: Double? = nil, skipPRKSteps: Bool? = nil, timestepSpacing: TimestepSpacing? = nil,
        className: String? = nil
    ) {
        self.numTrainTimesteps = numTrainTimesteps
        self.betaStart = betaStart
        self.betaEnd = betaEnd
        self.betaSchedule = betaSchedule
        self.predictionType = predictionType
        self.stepsOffset = stepsOffset
        self.setAlphaToOne = setAlphaToOne
        self.clipSample = clipSample
        self.clipSampleRange = clipSampleRange
        self.skipPRKSteps = skipPRKSteps
        self.timestepSpacing = timestepSpacing
        self.className = className
    }

    /// The Stable Diffusion 1.5 release's `scheduler_config.json` (PNDM, no `timestep_spacing`
    /// key). Single-file checkpoints use it.
    public static let sd15 = SchedulerConfig(
        numTrainTimesteps: 1000, betaStart: 0.00085, betaEnd: 0.012, betaSchedule: .scaledLinear,
        stepsOffset: 1, setAlphaToOne: false, clipSample: false, skipPRKSteps: true,
        className: "PNDMScheduler")

    /// Reads a diffusers `scheduler_config.json`; `source` names the file in errors.
    ///
    /// Applies the fix-up StableDiffusionPipeline makes when it loads a model: a `steps_offset`
    /// other than 1 becomes 1 and `clip_sample: true` becomes false (diffusers warns that such
    /// configs are outdated). Keys the file leaves out stay absent.
    public init(json data: Data, source: String) throws {
        let raw: RawSchedulerConfig
        let className: String?
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            raw = try decoder.decode(RawSchedulerConfig.self, from: data)
            className = try JSONDecoder().decode(RawClassName.self, from: data).className
        } catch let DecodingError.typeMismatch(type, context) {
            throw SchedulerConfigError(
                source: source, key: context.codingPath.last?.stringValue, reason: "expected \(type)")
        } catch {
            throw SchedulerConfigError(
                source: source, key: nil, reason: "not a valid scheduler config (\(error))")
        }
        func parse<E: RawRepresentable>(_ text: String?, _ key: String) throws -> E?
        where E.RawValue == String {
            guard let text else { return nil }
            guard let value = E(rawValue: text) else {
                throw SchedulerConfigError(source: source, key: key, reason: "unsupported value \"\(text)\"")
            }
            return value
        }
        self.init(
            numTrainTimesteps: raw.numTrainTimesteps, betaStart: raw.betaStart, betaEnd: raw.betaEnd,
            betaSchedule: try parse(raw.betaSchedule, "beta_schedule"),
            predictionType: try parse(raw.predictionType, "prediction_type"),
            stepsOffset: raw.stepsOffset, setAlphaToOne: raw.setAlphaToOne, clipSample: raw.clipSample,
            clipSampleRange: raw.clipSampleRange, skipPRKSteps: raw.skipPrkSteps,
            timestepSpacing: try parse(raw.timestepSpacing, "timestep_spacing"), className: className)
        if raw.trainedBetas != nil {
            throw SchedulerConfigError(
                source: source, key: "trained_betas", reason: "explicit trained betas are not supported")
        }
        if raw.rescaleBetasZeroSnr == true {
            throw SchedulerConfigError(
                source: source, key: "rescale_betas_zero_snr",
                reason: "zero-terminal-SNR rescaling is not supported")
        }
        if let count = numTrainTimesteps, !(2...100_000).contains(count) {
            throw SchedulerConfigError(
                source: source, key: "num_train_timesteps", reason: "\(count) is outside 2…100000")
        }
        if stepsOffset != nil && stepsOffset != 1 { stepsOffset = 1 }
        if clipSample == true { clipSample = false }
    }
}

/// The keys of `scheduler_config.json` that matter here (snake_case in the file); JSON null
/// reads as absent.
private struct RawSchedulerConfig: Decodable {
    var numTrainTimesteps: Int?
    var betaStart: Double?
    var betaEnd: Double?
    var betaSchedule: String?
    var predictionType: String?
    var stepsOffset: Int?
    var setAlphaToOne: Bool?
    var clipSample: Bool?
    var clipSampleRange: Double?
    var skipPrkSteps: Bool?
    var timestepSpacing: String?
    var trainedBetas: [Double]?
    var rescaleBetasZeroSnr: Bool?
}

/// `_class_name` (snake-case conversion would keep its leading underscore).
private struct RawClassName: Decodable {
    var className: String?

    enum CodingKeys: String, CodingKey {
        case className = "_class_name"
    }
}

/// A scheduler configuration that cannot be used, with the file and key at fault.
public struct SchedulerConfigError: Error, CustomStringConvertible, Equatable {
    public let source: String
    public let key: String?
    public let reason: String

    public var description: String {
        if let key { return "\(source): \(key): \(reason)" }
        return "\(source): \(reason)"
    }
}
