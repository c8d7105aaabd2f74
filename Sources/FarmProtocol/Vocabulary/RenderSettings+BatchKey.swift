import Foundation

/// The job store keeps an item's settings as its batch key: canonical JSON (sorted keys), so
/// equal settings are equal strings and items that may share a U-Net batch are found with one
/// `GROUP BY`. The format predates this type (`{"cfg":…,"extra":{…},"height":…,…}`) and is
/// kept, so keys already stored read back.
extension RenderSettings: Codable {
    private enum CodingKeys: String, CodingKey {
        case model, width, height, steps, sampler, schedule, cfg, extra
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            model: try c.decode(String.self, forKey: .model), width: try c.decode(Int.self, forKey: .width),
            height: try c.decode(Int.self, forKey: .height), steps: try c.decode(Int.self, forKey: .steps),
            sampler: try c.decode(String.self, forKey: .sampler),
            schedule: try c.decode(String.self, forKey: .schedule),
            cfg: try c.decode(Double.self, forKey: .cfg))
        let extras = try c.decodeIfPresent([String: String].self, forKey: .extra) ?? [:]
        do { try apply(extras: extras) } catch {
            throw DecodingError.dataCorruptedError(forKey: .extra, in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(steps, forKey: .steps)
        try c.encode(sampler, forKey: .sampler)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(cfg, forKey: .cfg)
        let extras = self.extras
        if !extras.isEmpty { try c.encode(extras, forKey: .extra) }
    }

    /// The store's string for these settings.
    public var batchKey: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and numbers only: encoding cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a batch key the coordinator stored; nil if the string is not one.
    public init?(batchKey: String) {
        guard let settings = try? JSONDecoder().decode(RenderSettings.self, from: Data(batchKey.utf8)) else {
            return nil
        }
        self = settings
    }
}
