// The torch.nn layers the U-Net is built from (Conv2d, Linear, GroupNorm, LayerNorm), holding
// their weights under PyTorch's names and layouts and running through a `Backend`.

struct UNetConv2D {
    let weight: Tensor  // [out, in, k, k]
    let bias: Tensor?  // [out]
    let stride: Int
    let padding: Int

    init(
        _ p: UNetParameters, _ name: String, in cin: Int, out cout: Int, kernel: Int, stride: Int = 1,
        padding: Int? = nil, bias: Bool = true
    ) throws {
        let q = p.scoped(name)
        weight = try q.tensor("weight", shape: [cout, cin, kernel, kernel])
        self.bias = bias ? try q.tensor("bias", shape: [cout]) : nil
        self.stride = stride
        self.padding = padding ?? (kernel - 1) / 2
    }

    var outChannels: Int { weight.shape[0] }

    /// x: [N, in, H, W] → [N, out, H', W']
    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        backend.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

struct UNetLinear {
    let weight: Tensor  // [out, in]
    let bias: Tensor?  // [out]

    init(_ p: UNetParameters, _ name: String, in cin: Int, out cout: Int, bias: Bool = true) throws {
        let q = p.scoped(name)
        weight = try q.tensor("weight", shape: [cout, cin])
        self.bias = bias ? try q.tensor("bias", shape: [cout]) : nil
    }

    /// A 1×1 convolution [out, in, 1, 1] used as the same linear map over token sequences.
    init(conv1x1 p: UNetParameters, _ name: String, in cin: Int, out cout: Int) throws {
        let q = p.scoped(name)
        let conv = try q.tensor("weight", shape: [cout, cin, 1, 1])
        // (an audit's placeholder stays as is)
        weight = conv.count == cout * cin ? conv.reshaped([cout, cin]) : conv
        bias = try q.tensor("bias", shape: [cout])
    }

    /// x: [..., in] → [..., out]
    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        backend.linear(x, weight: weight, bias: bias)
    }
}

struct UNetGroupNorm {
    let weight: Tensor  // [C]
    let bias: Tensor  // [C]
    let groups: Int
    let epsilon: Float

    init(_ p: UNetParameters, _ name: String, groups: Int, channels: Int, epsilon: Float) throws {
        let q = p.scoped(name)
        weight = try q.tensor("weight", shape: [channels])
        bias = try q.tensor("bias", shape: [channels])
        self.groups = groups
        self.epsilon = epsilon
    }

    /// x: [N, C, H, W] → same; `silu` applies SiLU after the affine step.
    func callAsFunction(_ x: Tensor, silu: Bool = false, _ backend: any Backend) -> Tensor {
        backend.groupNorm(x, groups: groups, weight: weight, bias: bias, epsilon: epsilon, silu: silu)
    }
}

struct UNetLayerNorm {
    let weight: Tensor  // [C]
    let bias: Tensor  // [C]
    let epsilon: Float

    init(_ p: UNetParameters, _ name: String, channels: Int, epsilon: Float = 1e-5) throws {
        let q = p.scoped(name)
        weight = try q.tensor("weight", shape: [channels])
        bias = try q.tensor("bias", shape: [channels])
        self.epsilon = epsilon
    }

    /// x: [..., C] → same
    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        backend.layerNorm(x, weight: weight, bias: bias, epsilon: epsilon)
    }
}
