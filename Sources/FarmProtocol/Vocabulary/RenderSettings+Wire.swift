import NIOCore

/// The render settings on the wire (docs/protocol.md, "render spec"): string model (≤256),
/// u32 width, u32 height (1…16384), u32 steps (1…10000), string sampler (≤64), string
/// schedule (≤64), f64 cfg, count extra (≤64) × (string key ≤64, string value ≤1024).
/// The extras are `RenderSettings.extras` (keys sorted, unique): new settings travel without
/// a protocol change, and a name the receiver does not know is refused.
extension RenderSettings {
    public static let maxExtraValue = 1024

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteString(model)
        buffer.writeInteger(UInt32(width))
        buffer.writeInteger(UInt32(height))
        buffer.writeInteger(UInt32(steps))
        buffer.wireWriteString(sampler)
        buffer.wireWriteString(schedule)
        buffer.wireWriteDouble(cfg)
        let extras = self.extras
        buffer.writeInteger(UInt16(extras.count))
        for key in extras.keys.sorted() {
            buffer.wireWriteString(key)
            buffer.wireWriteString(extras[key]!)
        }
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> RenderSettings {
        let model = try buffer.wireReadString("model", limit: WireLimits.maxName)
        let side = 1...WireLimits.maxImageSide
        let width = try buffer.wireReadU32("width", in: side)
        let height = try buffer.wireReadU32("height", in: side)
        let steps = try buffer.wireReadU32("steps", in: 1...WireLimits.maxSteps)
        let sampler = try buffer.wireReadString("sampler", limit: WireLimits.maxToken)
        let schedule = try buffer.wireReadString("schedule", limit: WireLimits.maxToken)
        let cfg = try buffer.wireReadDouble("cfg")
        guard cfg.isFinite else { throw ProtocolError.invalidValue(field: "cfg", value: 0) }
        let n = try buffer.wireReadCount("extra settings", limit: WireLimits.maxExtraSettings)
        var extras: [String: String] = [:]
        var previous: String?
        for _ in 0..<n {
            let key = try buffer.wireReadString("extra key", limit: WireLimits.maxToken)
            // Sorted and unique: one canonical form per spec.
            if let previous, key <= previous {
                throw ProtocolError.invalidValue(field: "extra key order", value: 0)
            }
            previous = key
            extras[key] = try buffer.wireReadString("extra value", limit: maxExtraValue)
        }
        var settings = RenderSettings(
            model: model, width: width, height: height, steps: steps, sampler: sampler, schedule: schedule,
            cfg: cfg)
        do { try settings.apply(extras: extras) } catch { throw ProtocolError.unknownSetting(error.name) }
        return settings
    }
}
