/// An option chosen by name on the command line or in a job (`--sampler euler_a`), with a
/// clear error that lists the valid names.
public protocol NamedChoice: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    /// What the option is called in messages ("sampler").
    static var choiceName: String { get }
}

extension NamedChoice {
    /// Parses a name, or throws `UnknownChoiceError` listing the valid ones.
    public init(parsing name: String) throws {
        guard let value = Self(rawValue: name) else {
            throw UnknownChoiceError(
                option: Self.choiceName, value: name, choices: Self.allCases.map(\.rawValue))
        }
        self = value
    }
}

/// A name that is not one of an option's choices.
public struct UnknownChoiceError: Error, CustomStringConvertible, Equatable {
    public let option: String
    public let value: String
    public let choices: [String]

    public var description: String {
        "unknown \(option) \"\(value)\" (choose one of: \(choices.joined(separator: ", ")))"
    }
}

extension SamplerKind: NamedChoice { public static var choiceName: String { "sampler" } }
extension SigmaScheduleKind: NamedChoice { public static var choiceName: String { "schedule" } }
extension TimestepSpacing: NamedChoice { public static var choiceName: String { "timestep spacing" } }
extension RNGKind: NamedChoice { public static var choiceName: String { "rng" } }
