// Follows diffusers/models/resnet.py: ResnetBlock2D (time_embedding_norm "default", SiLU, no dropout at inference).

/// GroupNorm → SiLU → conv1, plus the projected time embedding per channel, GroupNorm → SiLU
/// → conv2, then the (1×1-projected when the width changes) input added, divided by
/// `outputScaleFactor`.
struct UNetResnetBlock {
    let norm1: UNetGroupNorm
    let conv1: UNetConv2D
    let timeEmbProj: UNetLinear
    let norm2: UNetGroupNorm
    let conv2: UNetConv2D
    let convShortcut: UNetConv2D?
    let outputScaleFactor: Float

    init(
        _ p: UNetParameters, in cin: Int, out cout: Int, timeDim: Int, groups: Int, epsilon: Float,
        outputScaleFactor: Float = 1
    ) throws {
        norm1 = try UNetGroupNorm(p, "norm1", groups: groups, channels: cin, epsilon: epsilon)
        conv1 = try UNetConv2D(p, "conv1", in: cin, out: cout, kernel: 3)
        timeEmbProj = try UNetLinear(p, "time_emb_proj", in: timeDim, out: cout)
        norm2 = try UNetGroupNorm(p, "norm2", groups: groups, channels: cout, epsilon: epsilon)
        conv2 = try UNetConv2D(p, "conv2", in: cout, out: cout, kernel: 3)
        convShortcut = cin != cout ? try UNetConv2D(p, "conv_shortcut", in: cin, out: cout, kernel: 1) : nil
        self.outputScaleFactor = outputScaleFactor
    }

    /// x: [N, in, H, W], timeActivated: SiLU(temb) [N, timeDim] → [N, out, H, W]
    func callAsFunction(_ x: Tensor, timeActivated: Tensor, _ backend: any Backend) -> Tensor {
        var h = conv1(norm1(x, silu: true, backend), backend)
        h = backend.addPerChannel(h, timeEmbProj(timeActivated, backend))
        h = conv2(norm2(h, silu: true, backend), backend)
        let shortcut = convShortcut.map { $0(x, backend) } ?? x
        let sum = backend.add(shortcut, h)
        return outputScaleFactor == 1 ? sum : backend.scale(sum, by: 1 / outputScaleFactor)
    }
}
