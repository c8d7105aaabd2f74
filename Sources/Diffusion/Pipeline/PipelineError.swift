/// Why a generation cannot run or did not finish: a request the model cannot honour (size,
/// steps, batch, sampler settings) or a model that cannot be used; names what is wrong.
public struct PipelineError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The request is wrong for any model or for this one: retrying cannot help.
        case invalidRequest
        /// The model folder or file cannot be used.
        case model
        /// The batch needed more memory than the engine may use (`EngineMemory.limit`): a
        /// smaller batch may fit.
        case outOfMemory
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    static func invalid(_ message: String) -> PipelineError { PipelineError(.invalidRequest, message) }

    public var description: String { message }
}
