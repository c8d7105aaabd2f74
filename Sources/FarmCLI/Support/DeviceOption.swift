import ArgumentParser

/// `--device`: `cpu` is the only backend; `cuda:N` is recognised and refused with a clear
/// message until a CUDA backend exists.
enum DeviceOption: ExpressibleByArgument, Equatable {
    case cpu
    case cuda(Int)

    init?(argument: String) {
        if argument == "cpu" {
            self = .cpu
        } else if argument.hasPrefix("cuda:"), let n = Int(argument.dropFirst(5)), n >= 0 {
            self = .cuda(n)
        } else if argument == "cuda" {
            self = .cuda(0)
        } else {
            return nil
        }
    }

    var name: String {
        switch self {
        case .cpu: return "cpu"
        case .cuda(let n): return "cuda:\(n)"
        }
    }

    /// Nil if usable, else why not.
    var refusal: String? {
        switch self {
        case .cpu: return nil
        case .cuda(let n):
            return "--device cuda:\(n): this build has no CUDA backend yet; run the worker with --device cpu"
        }
    }
}
