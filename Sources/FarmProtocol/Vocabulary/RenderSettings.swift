import Foundation

/// What every item of a batch shares: the model, the image size, the step count, the sampler
/// and schedule, the guidance scale and the optional settings below. Prompts, negative prompts
/// and seeds may differ within a batch.
///
/// Defined once for every layer: the CLI builds it, the wire carries it
/// (`RenderSettings+Wire.swift`), the coordinator stores it as the batch key
/// (`RenderSettings+BatchKey.swift`) and batches by it, the worker's engine renders with it.
/// A new setting is one stored property here plus its line in `optionalSettings`.
public struct RenderSettings: Sendable, Hashable {
    public var model: String
    public var width: Int
    public var height: Int
    public var steps: Int
    public var sampler: String
    public var schedule: String
    public var cfg: Double
    /// The noise generator: `cpu` (torch's CPU generator, the default) or `philox`.
    public var rng: String
    /// A timestep-spacing override (`leading`, `linspace`, `trailing`); nil: the model's
    /// config, else the sampler's own default.
    public var timestepSpacing: String?

    public init(
        model: String, width: Int, height: Int, steps: Int, sampler: String, schedule: String, cfg: Double,
        rng: String = RenderSettings.defaultRNG, timestepSpacing: String? = nil
    ) {
        self.model = model
        self.width = width
        self.height = height
        self.steps = steps
        self.sampler = sampler
        self.schedule = schedule
        self.cfg = cfg
        self.rng = rng
        self.timestepSpacing = timestepSpacing
    }

    public static let defaultRNG = "cpu"

    /// The settings that have no fixed field on the wire or in the stored key: each travels
    /// as a named extra (`"rng": "philox"`), and only when it differs from its default, so
    /// keys stored before it existed read back equal. One line per setting.
    static let optionalSettings: [OptionalSetting] = [
        OptionalSetting("rng", get: { $0.rng == defaultRNG ? nil : $0.rng }, set: { $0.rng = $1 }),
        OptionalSetting("timestep_spacing", get: { $0.timestepSpacing }, set: { $0.timestepSpacing = $1 }),
    ]

    /// The optional settings that differ from their defaults, by name.
    public var extras: [String: String] {
        var extras: [String: String] = [:]
        for setting in Self.optionalSettings {
            if let value = setting.get(self) { extras[setting.key] = value }
        }
        return extras
    }

    /// Sets the named optional settings; a name this version does not know is refused
    /// rather than dropped (a setting silently ignored renders something other than asked).
    public mutating func apply(extras: [String: String]) throws(UnknownRenderSetting) {
        for (key, value) in extras {
            guard let setting = Self.optionalSettings.first(where: { $0.key == key }) else {
                throw UnknownRenderSetting(name: key)
            }
            setting.set(&self, value)
        }
    }

    /// The names of every optional setting, in table order.
    public static var optionalSettingNames: [String] { optionalSettings.map(\.key) }
}

/// One optional render setting: its name and how to read and write it.
struct OptionalSetting: Sendable {
    let key: String
    let get: @Sendable (RenderSettings) -> String?
    let set: @Sendable (inout RenderSettings, String) -> Void

    init(
        _ key: String, get: @escaping @Sendable (RenderSettings) -> String?,
        set: @escaping @Sendable (inout RenderSettings, String) -> Void
    ) {
        self.key = key
        self.get = get
        self.set = set
    }
}

/// A render setting whose name this version of sdfarm does not know.
public struct UnknownRenderSetting: Error, Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var description: String {
        "unknown render setting '\(name)' (this version knows \(RenderSettings.optionalSettingNames.joined(separator: ", ")))"
    }
}

extension RenderSettings: CustomStringConvertible {
    public var description: String {
        var text = "\(model) \(width)×\(height) \(steps) steps \(sampler)/\(schedule) cfg \(cfg)"
        for (key, value) in extras.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        return text
    }
}
