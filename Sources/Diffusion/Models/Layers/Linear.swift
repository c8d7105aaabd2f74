/// torch.nn.Linear: weight [out, in], optional bias [out].
public struct Linear: Sendable {
    public let weight: Tensor
    public let bias: Tensor?

    public init(
        _ loader: WeightLoader, _ name: String, in inFeatures: Int, out outFeatures: Int, bias: Bool = true
    ) throws {
        (weight, self.bias) = try loader.scope(name) {
            (
                try loader.tensor("weight", shape: [outFeatures, inFeatures]),
                bias ? try loader.tensor("bias", shape: [outFeatures]) : nil
            )
        }
    }

    // x: [..., in] → [..., out]
    public func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        backend.linear(x, weight: weight, bias: bias)
    }
}
