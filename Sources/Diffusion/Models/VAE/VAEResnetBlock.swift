// Follows diffusers' ResnetBlock2D without time embedding (models/resnet.py), as the VAE uses it.

/// norm → SiLU → conv → norm → SiLU → conv, plus the input (1×1-projected when widths differ).
struct VAEResnetBlock: Sendable {
    let norm1: GroupNorm, conv1: Conv2d, norm2: GroupNorm, conv2: Conv2d
    let shortcut: Conv2d?

    init(_ loader: WeightLoader, in inChannels: Int, out outChannels: Int, groups: Int) throws {
        norm1 = try GroupNorm(loader, "norm1", groups: groups, channels: inChannels, epsilon: 1e-6)
        conv1 = try Conv2d(
            loader, "conv1", in: inChannels, out: outChannels, kernel: 3, padding: Padding2D(1))
        norm2 = try GroupNorm(loader, "norm2", groups: groups, channels: outChannels, epsilon: 1e-6)
        conv2 = try Conv2d(
            loader, "conv2", in: outChannels, out: outChannels, kernel: 3, padding: Padding2D(1))
        shortcut =
            inChannels == outChannels
            ? nil : try Conv2d(loader, "conv_shortcut", in: inChannels, out: outChannels, kernel: 1)
    }

    // x: [N, in, H, W] → [N, out, H, W]
    func callAsFunction(_ x: Tensor, _ b: any Backend) -> Tensor {
        let h = conv2(norm2(conv1(norm1(x, b, silu: true), b), b, silu: true), b)
        return b.add(shortcut.map { $0(x, b) } ?? x, h)
    }
}
