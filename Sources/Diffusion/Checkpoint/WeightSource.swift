/// The tensors of one model component (text encoder, VAE or U-Net) under diffusers key names,
/// whatever the layout on disk: each name maps to a tensor of a safetensors file, possibly
/// under another name and with a different (same-size) shape.
public struct WeightSource: Sendable {
    struct Mapped: Sendable {
        let file: SafetensorsFile
        let key: String
        /// Shape to present, when it differs from the file's (e.g. [C, C, 1, 1] → [C, C]).
        let shape: [Int]?
    }

    /// Describes where the weights come from, for messages ("vae/diffusion_pytorch_model.safetensors").
    public let origin: String
    let tensors: [String: Mapped]
    /// Tensors held in memory (random weights for benchmarks), by diffusers name.
    let resident: [String: Tensor]

    init(origin: String, tensors: [String: Mapped]) {
        self.origin = origin
        self.tensors = tensors
        self.resident = [:]
    }

    /// Weights held in memory under the given names.
    public init(origin: String, tensors: [String: Tensor]) {
        self.origin = origin
        self.tensors = [:]
        self.resident = tensors
    }

    /// All of a file's tensors under their own names.
    init(file: SafetensorsFile, renaming rename: (String) -> String = { $0 }) {
        origin = file.path
        var tensors: [String: Mapped] = [:]
        for key in file.entries.keys { tensors[rename(key)] = Mapped(file: file, key: key, shape: nil) }
        self.tensors = tensors
        self.resident = [:]
    }

    /// Diffusers names, sorted.
    public var names: [String] { (Array(tensors.keys) + Array(resident.keys)).sorted() }

    /// Shape and dtype of a tensor, without loading it.
    public func info(_ name: String) -> (shape: [Int], dtype: SafetensorsDType, fileKey: String)? {
        if let t = resident[name] { return (t.shape, .f32, name) }
        guard let m = tensors[name], let entry = m.file.entries[m.key] else { return nil }
        return (m.shape ?? entry.shape, entry.dtype, m.key)
    }

    public func contains(_ name: String) -> Bool { tensors[name] != nil || resident[name] != nil }

    /// The tensor as Float32, checked against `shape` when given.
    public func tensor(_ name: String, shape: [Int]? = nil) throws -> Tensor {
        if let t = resident[name] {
            if let shape, t.shape != shape {
                throw CheckpointError(file: origin, tensor: name, "has shape \(t.shape), expected \(shape)")
            }
            return t
        }
        guard let m = tensors[name] else { throw CheckpointError(file: origin, tensor: name, "missing") }
        var t = try m.file.tensor(m.key)
        if let presented = m.shape { t = t.reshaped(presented) }
        if let shape, t.shape != shape {
            throw CheckpointError(file: m.file.path, tensor: m.key, "has shape \(t.shape), expected \(shape)")
        }
        return t
    }
}
