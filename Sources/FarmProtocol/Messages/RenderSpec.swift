import NIOCore

/// What every item of a batch shares (docs/protocol.md, "render spec"): string model (≤256),
/// u32 width, u32 height (1…16384), u32 steps (1…10000), string sampler (≤64), string
/// schedule (≤64), f64 cfg, count extra (≤64) × (string key ≤64, string value ≤1024).
/// `extra` carries settings this protocol version has no field for (keys sorted, unique), so
/// new engine settings travel without a protocol change.
public struct RenderSpec: Equatable, Hashable, Sendable {
    public var model: String
    public var width: Int
    public var height: Int
    public var steps: Int
    public var sampler: String
    public var schedule: String
    public var cfg: Double
    public var extra: [String: String]

    public static let maxExtraValue = 1024

    /// Extra keys the worker's engine understands today.
    public enum ExtraKey {
        /// The noise generator: `cpu` (torch's CPU generator, the default) or `philox`.
        public static let rng = "rng"
        /// A timestep-spacing override: `leading`, `linspace` or `trailing`.
        public static let timestepSpacing = "timestep_spacing"
    }

    public init(model: String, width: Int, height: Int, steps: Int, sampler: String, schedule: String, cfg: Double, extra: [String: String] = [:]) {
        self.model = model; self.width = width; self.height = height; self.steps = steps
        self.sampler = sampler; self.schedule = schedule; self.cfg = cfg; self.extra = extra
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteString(model)
        buffer.writeInteger(UInt32(width)); buffer.writeInteger(UInt32(height)); buffer.writeInteger(UInt32(steps))
        buffer.wireWriteString(sampler); buffer.wireWriteString(schedule); buffer.wireWriteDouble(cfg)
        buffer.writeInteger(UInt16(extra.count))
        for key in extra.keys.sorted() { buffer.wireWriteString(key); buffer.wireWriteString(extra[key]!) }
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> RenderSpec {
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
        var extra: [String: String] = [:]
        var previous: String?
        for _ in 0..<n {
            let key = try buffer.wireReadString("extra key", limit: WireLimits.maxToken)
            // Sorted and unique: one canonical form per spec.
            if let previous, key <= previous { throw ProtocolError.invalidValue(field: "extra key order", value: 0) }
            previous = key
            extra[key] = try buffer.wireReadString("extra value", limit: maxExtraValue)
        }
        return RenderSpec(model: model, width: width, height: height, steps: steps, sampler: sampler, schedule: schedule, cfg: cfg, extra: extra)
    }
}
