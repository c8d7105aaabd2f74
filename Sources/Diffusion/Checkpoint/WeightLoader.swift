/// Loads a model's weights from a `WeightSource` by dotted diffusers names, checking shapes and
/// remembering what was used, so that after building the model `finish()` can reject tensors
/// the model does not know (a wrong architecture or a corrupt conversion, never silently).
public final class WeightLoader {
    /// `.load` reads tensors and throws at the first problem; `.audit` reads nothing, records
    /// every problem in `problems` and hands out empty placeholders (for `sdfarm inspect`).
    public enum Mode: Sendable { case load, audit }

    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        case missing(String, expected: [Int])
        case wrongShape(String, found: [Int], expected: [Int])
        case unexpected(String)
        /// A problem a model reported in its own words (e.g. a shape check of the U-Net).
        case other(String)

        public var description: String {
            switch self {
            case .missing(let n, let e): return e.isEmpty ? "missing \(n)" : "missing \(n) \(e)"
            case .wrongShape(let n, let f, let e): return "wrong shape \(n): \(f), expected \(e)"
            case .unexpected(let n): return "unexpected \(n)"
            case .other(let message): return message
            }
        }
    }

    public let source: WeightSource
    public let mode: Mode
    public private(set) var problems: [Problem] = []
    private var prefixes: [String] = []
    private var used: Set<String> = []
    /// Names that may be present and unused (e.g. CLIP's `position_ids` buffer).
    private let ignorable: (String) -> Bool

    public init(
        _ source: WeightSource, mode: Mode = .load,
        ignoring ignorable: @escaping (String) -> Bool = { _ in false }
    ) {
        self.source = source
        self.mode = mode
        self.ignorable = ignorable
    }

    /// The current dotted prefix ("decoder.up_blocks.0.").
    public var prefix: String { prefixes.joined() }

    /// Runs `body` with `component + "."` appended to the prefix.
    public func scope<R>(_ component: String, _ body: () throws -> R) rethrows -> R {
        prefixes.append(component + ".")
        defer { prefixes.removeLast() }
        return try body()
    }

    /// `prefix + name`, which must exist with `shape`.
    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        let full = prefix + name
        used.insert(full)
        if mode == .audit {
            if let info = source.info(full) {
                if info.shape != shape {
                    problems.append(.wrongShape(full, found: info.shape, expected: shape))
                }
            } else {
                problems.append(.missing(full, expected: shape))
            }
            return Tensor(zeros: [0])
        }
        return try source.tensor(full, shape: shape)
    }

    /// Whether `prefix + name` exists (for optional parts such as a shortcut convolution).
    public func has(_ name: String) -> Bool { source.contains(prefix + name) }

    /// Throws if the source holds tensors the model did not load.
    public func finish() throws {
        let unexpected = source.names.filter { !used.contains($0) && !ignorable($0) }
        if mode == .audit {
            problems += unexpected.map { .unexpected($0) }
            return
        }
        guard unexpected.isEmpty else {
            let list = unexpected.prefix(5).joined(separator: ", ") + (unexpected.count > 5 ? ", …" : "")
            throw CheckpointError(
                file: source.origin, tensor: unexpected[0],
                "\(unexpected.count) unexpected tensor(s) for this architecture: \(list)")
        }
    }
}
