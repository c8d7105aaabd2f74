/// The U-Net's parameters by their diffusers key names (`down_blocks.0.resnets.1.conv1.weight`),
/// whatever layout the checkpoint stores them in: the lookup maps a diffusers key to the
/// tensor (for a single-file checkpoint, through the original-layout key mapping). Every
/// tensor's shape is checked against what the configuration implies.
struct UNetParameters {
    /// (diffusers key, the shape the configuration expects) → the tensor.
    let lookup: (String, [Int]) throws -> Tensor
    /// The checkpoint, for error messages.
    let source: String
    let prefix: String
    /// A `WeightLoader` audit: the lookup records problems and hands out empty placeholders,
    /// so shapes are not checked here and the model built is never run.
    let isAudit: Bool

    init(
        source: String, prefix: String = "", isAudit: Bool = false,
        lookup: @escaping (String, [Int]) throws -> Tensor
    ) {
        self.lookup = lookup
        self.source = source
        self.prefix = prefix
        self.isAudit = isAudit
    }

    /// The parameters under `component.` (e.g. `down_blocks.0`).
    func scoped(_ component: String) -> UNetParameters {
        UNetParameters(source: source, prefix: prefix + component + ".", isAudit: isAudit, lookup: lookup)
    }

    func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        let key = prefix + name
        let t = try lookup(key, shape)
        guard t.shape == shape || isAudit else {
            throw UNetError(source, "tensor '\(key)' has shape \(t.shape), the configuration needs \(shape)")
        }
        return t
    }
}
