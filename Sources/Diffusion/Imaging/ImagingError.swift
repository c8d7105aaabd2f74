/// Why an image, infotext or array file could not be written or read; names the file or field.
public struct ImagingError: Error, CustomStringConvertible, Sendable {
    public let subject: String
    public let reason: String

    public init(_ subject: String, _ reason: String) {
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(subject): \(reason)" }
}
