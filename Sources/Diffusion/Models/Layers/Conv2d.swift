/// torch.nn.Conv2d with a square kernel: weight [out, in, k, k], bias [out].
public struct Conv2d: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Padding2D

    public init(
        _ loader: WeightLoader, _ name: String, in inChannels: Int, out outChannels: Int,
        kernel: Int, stride: Int = 1, padding: Padding2D = Padding2D(0), bias: Bool = true
    ) throws {
        (weight, self.bias) = try loader.scope(name) {
            (
                try loader.tensor("weight", shape: [outChannels, inChannels, kernel, kernel]),
                bias ? try loader.tensor("bias", shape: [outChannels]) : nil
            )
        }
        self.stride = stride
        self.padding = padding
    }

    public var outChannels: Int { weight.shape[0] }

    // x: [N, in, H, W] → [N, out, H', W']
    public func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        backend.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
