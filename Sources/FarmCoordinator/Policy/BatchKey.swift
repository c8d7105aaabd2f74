import Foundation

/// What items must share to go through one U-Net batch together: the model, the image size,
/// the step count, the sampler and schedule, and the guidance scale. Prompts, negative
/// prompts and seeds may differ within a batch.
///
/// Stored in the job store as `encoded` (canonical JSON, so equal keys are equal strings).
public struct BatchKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var model: String
    public var width: Int
    public var height: Int
    public var steps: Int
    public var sampler: String
    public var schedule: String
    public var cfg: Double
    /// Settings the key has no field for, carried from the submission to the worker as the
    /// protocol's render-spec extras (e.g. `rng`, `timestep_spacing`); nil when none, so keys
    /// stored before this field existed read back equal.
    public var extra: [String: String]?

    public init(
        model: String, width: Int, height: Int, steps: Int, sampler: String, schedule: String, cfg: Double, extra: [String: String]? = nil
    ) {
        self.model = model
        self.width = width
        self.height = height
        self.steps = steps
        self.sampler = sampler
        self.schedule = schedule
        self.cfg = cfg
        self.extra = extra?.isEmpty == true ? nil : extra
    }

    /// The store's string for this key.
    public var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and numbers cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a key the coordinator stored; nil if the string is not one.
    public init?(encoded: String) {
        guard let key = try? JSONDecoder().decode(BatchKey.self, from: Data(encoded.utf8)) else { return nil }
        self = key
    }

    /// The cost of `images` items of this key.
    public func cost(images: Int) -> WorkCost {
        WorkCost(steps: steps, width: width, height: height, images: images)
    }

    public static func < (a: BatchKey, b: BatchKey) -> Bool { a.encoded < b.encoded }

    public var description: String {
        "\(model) \(width)×\(height) \(steps) steps \(sampler)/\(schedule) cfg \(cfg)"
    }
}
