/// torch.nn.GroupNorm with affine weight and bias [C].
public struct GroupNorm: Sendable {
    public let weight: Tensor
    public let bias: Tensor
    public let groups: Int
    public let epsilon: Float

    public init(_ loader: WeightLoader, _ name: String, groups: Int, channels: Int, epsilon: Float) throws {
        guard groups > 0, channels % groups == 0 else {
            throw CheckpointError(
                file: loader.source.origin, tensor: loader.prefix + name,
                "\(channels) channels cannot be split into \(groups) groups")
        }
        (weight, bias) = try loader.scope(name) {
            (try loader.tensor("weight", shape: [channels]), try loader.tensor("bias", shape: [channels]))
        }
        self.groups = groups
        self.epsilon = epsilon
    }

    // x: [N, C, ...] → same; `silu` fuses the SiLU that follows most group norms.
    public func callAsFunction(_ x: Tensor, _ backend: any Backend, silu: Bool = false) -> Tensor {
        backend.groupNorm(x, groups: groups, weight: weight, bias: bias, epsilon: epsilon, silu: silu)
    }
}

/// torch.nn.LayerNorm over the last dimension.
public struct LayerNorm: Sendable {
    public let weight: Tensor
    public let bias: Tensor
    public let epsilon: Float

    public init(_ loader: WeightLoader, _ name: String, width: Int, epsilon: Float) throws {
        (weight, bias) = try loader.scope(name) {
            (try loader.tensor("weight", shape: [width]), try loader.tensor("bias", shape: [width]))
        }
        self.epsilon = epsilon
    }

    // x: [..., width] → same
    public func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        backend.layerNorm(x, weight: weight, bias: bias, epsilon: epsilon)
    }
}
