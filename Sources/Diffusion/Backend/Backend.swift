/// The operations the model code is written against. The CPU backend (`CPUBackend`: OpenBLAS
/// sgemm plus vectorised Swift) and the plain-loop `ReferenceBackend` implement them today; a
/// CUDA backend (cuBLAS plus a few kernels of its own, loaded at run time) implements the same
/// set later, with device-resident storage behind `Tensor`.
///
/// Conventions: images are NCHW, token sequences [N, L, C]; weights keep PyTorch's layouts
/// (conv [Cout, Cin, kh, kw], linear [out, in]); every operation returns a new tensor and
/// leaves its inputs alone.
public protocol Backend: Sendable {
    var name: String { get }

    /// 2-D convolution (cross-correlation, as PyTorch) with zero padding on each side.
    /// x: [N, Cin, H, W], weight: [Cout, Cin, k, k], bias: [Cout] →
    /// [N, Cout, (H + top + bottom − k)/s + 1, (W + left + right − k)/s + 1].
    func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Padding2D) -> Tensor

    /// x: [..., in], weight: [out, in], bias: [out] → [..., out].
    func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor

    /// Group normalisation over NCHW (or [N, C, L]) with per-channel affine; `silu` applies
    /// SiLU to the result in the same pass (the ResNet pattern norm → SiLU).
    func groupNorm(_ x: Tensor, groups: Int, weight: Tensor, bias: Tensor, epsilon: Float, silu: Bool)
        -> Tensor

    /// Layer normalisation over the last dimension with affine weight and bias.
    func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float) -> Tensor

    /// Elementwise activation.
    func activation(_ x: Tensor, _ kind: Activation) -> Tensor

    /// GEGLU: x [..., 2F] split in halves (a, gate) → a · GELU(gate): [..., F].
    func geglu(_ x: Tensor) -> Tensor

    /// Softmax over the last dimension.
    func softmax(_ x: Tensor) -> Tensor

    /// Multi-head scaled dot-product attention, softmax(q·kᵀ/√d)·v per head.
    /// query: [N, Lq, C], key and value: [N, Lk, C], C = heads · d → [N, Lq, C].
    /// `causal` masks key positions after the query's (CLIP's text transformer).
    func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool) -> Tensor

    /// Nearest-neighbour resize of x: [N, C, H, W] to [N, C, height, width] (PyTorch's
    /// `interpolate(mode="nearest")`: source index floor(dst · in / out)).
    func upsampleNearest(_ x: Tensor, height: Int, width: Int) -> Tensor

    /// Concatenation along dimension 1: [N, Ca, ...] ++ [N, Cb, ...] → [N, Ca + Cb, ...].
    func concatChannels(_ a: Tensor, _ b: Tensor) -> Tensor

    /// Elementwise a + b (same shape).
    func add(_ a: Tensor, _ b: Tensor) -> Tensor

    /// x: [N, C, ...] + values: [N, C] broadcast over the trailing dimensions.
    func addPerChannel(_ x: Tensor, _ values: Tensor) -> Tensor

    /// x · factor.
    func scale(_ x: Tensor, by factor: Float) -> Tensor

    /// [N, C, H, W] → [N, H·W, C] (image to token sequence).
    func imageToTokens(_ x: Tensor) -> Tensor

    /// [N, H·W, C] → [N, C, H, W].
    func tokensToImage(_ x: Tensor, height: Int, width: Int) -> Tensor

    /// Rows of `table` [V, C] picked by `ids` → [ids.count, C]. Ids are checked by the caller.
    func embedding(_ ids: [Int32], table: Tensor) -> Tensor
}

public enum Activation: String, Sendable, CaseIterable {
    /// x · sigmoid(x)
    case silu
    /// Exact GELU: x/2 · (1 + erf(x/√2)) (PyTorch's default, `approximate="none"`).
    case gelu
    /// x · sigmoid(1.702 x) (CLIP's "quick_gelu").
    case quickGelu
}

/// Zero padding of a convolution's input, per side (diffusers' VAE downsampler pads only the
/// bottom and right).
public struct Padding2D: Sendable, Equatable {
    public var top, left, bottom, right: Int
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        (self.top, self.left, self.bottom, self.right) = (top, left, bottom, right)
    }
    /// The same padding on every side.
    public init(_ all: Int) { self.init(top: all, left: all, bottom: all, right: all) }
}

extension Backend {
    /// Convolution with the same padding on every side.
    public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: Padding2D(padding))
    }

    /// 2× nearest upsampling, the common case.
    public func upsampleNearest2x(_ x: Tensor) -> Tensor {
        upsampleNearest(x, height: x.shape[2] * 2, width: x.shape[3] * 2)
    }
}

/// Output size of a convolution along one dimension.
@inline(__always)
func convOutputSize(_ input: Int, kernel: Int, stride: Int, padBefore: Int, padAfter: Int) -> Int {
    (input + padBefore + padAfter - kernel) / stride + 1
}
