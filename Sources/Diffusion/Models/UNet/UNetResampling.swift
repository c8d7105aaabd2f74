// Follows diffusers/models/downsampling.py (Downsample2D) and upsampling.py (Upsample2D), use_conv=True.

/// 3×3 convolution with stride 2 and padding 1: [N, C, H, W] → [N, C, ⌈H/2⌉, ⌈W/2⌉].
struct UNetDownsample {
    let conv: UNetConv2D

    init(_ p: UNetParameters, channels: Int) throws {
        conv = try UNetConv2D(p, "conv", in: channels, out: channels, kernel: 3, stride: 2, padding: 1)
    }

    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor { conv(x, backend) }
}

/// Nearest-neighbour resize, then a 3×3 convolution. The target is 2× the input unless the
/// U-Net forwards the size of the skip connection the next level consumes (diffusers'
/// `upsample_size`, when the latent is not a multiple of the down-sampling factor).
struct UNetUpsample {
    let conv: UNetConv2D

    init(_ p: UNetParameters, channels: Int) throws {
        conv = try UNetConv2D(p, "conv", in: channels, out: channels, kernel: 3)
    }

    /// x: [N, C, H, W] → [N, C, size.height, size.width] (default 2H, 2W)
    func callAsFunction(_ x: Tensor, size: (height: Int, width: Int)?, _ backend: any Backend) -> Tensor {
        let up =
            size.map { backend.upsampleNearest(x, height: $0.height, width: $0.width) }
            ?? backend.upsampleNearest2x(x)
        return conv(up, backend)
    }
}
