/// The single-file "original" (CompVis) layout: the three components under prefixes, with the
/// U-Net and VAE named after the original code. This maps each original key to the diffusers
/// name the models load; scripts/sdfarm_ref/original_layout.py is the exact reverse, and
/// docs/engine.md tabulates the rules.
enum OriginalLayout {
    static let unetPrefix = "model.diffusion_model."
    static let vaePrefix = "first_stage_model."
    static let textPrefix = "cond_stage_model.transformer."

    enum Kind { case plain, resnet, vaeResnet, vaeAttention }

    /// (original prefix, diffusers prefix, kind of block).
    typealias PrefixRule = (original: String, diffusers: String, kind: Kind)

    static let unetResnetRenames = [
        ("in_layers.0.", "norm1."), ("in_layers.2.", "conv1."), ("emb_layers.1.", "time_emb_proj."),
        ("out_layers.0.", "norm2."), ("out_layers.3.", "conv2."), ("skip_connection.", "conv_shortcut."),
    ]
    static let vaeResnetRenames = [("nin_shortcut.", "conv_shortcut.")]
    static let vaeAttentionRenames = [
        ("norm.", "group_norm."), ("q.", "to_q."), ("k.", "to_k."), ("v.", "to_v."),
        ("proj_out.", "to_out.0."),
    ]

    /// U-Net structure visible in original key names.
    struct UNetStructure: Equatable {
        var levels: Int
        var layersPerBlock: Int
        var downAttention: [Bool]
        var upAttention: [Bool]
    }

    static func unetStructure(_ keys: [String]) -> UNetStructure? {
        func index(after prefix: String, in key: String) -> Int? {
            guard key.hasPrefix(prefix) else { return nil }
            return Int(key.dropFirst(prefix.count).prefix { $0 != "." })
        }
        let inputIndices = Set(keys.compactMap { index(after: "input_blocks.", in: $0) })
        let downsamples = Set(
            keys.filter { $0.hasPrefix("input_blocks.") && $0.contains(".0.op.") }
                .compactMap { index(after: "input_blocks.", in: $0) })
        guard let maxInput = inputIndices.max() else { return nil }
        let levels = downsamples.count + 1
        let blocks = maxInput + 1  // 1 (conv_in) + levels·L + (levels − 1) downsamplers
        guard (blocks - levels) % levels == 0, (blocks - levels) / levels > 0 else { return nil }
        let l = (blocks - levels) / levels
        func has(_ prefix: String) -> Bool { keys.contains { $0.hasPrefix(prefix) } }
        let down = (0..<levels).map { has("input_blocks.\((l + 1) * $0 + 1).1.") }
        let up = (0..<levels).map { has("output_blocks.\((l + 1) * $0).1.") }
        return UNetStructure(levels: levels, layersPerBlock: l, downAttention: down, upAttention: up)
    }

    static func unetRules(_ s: UNetStructure) -> [PrefixRule] {
        let l = s.layersPerBlock
        var rules: [PrefixRule] = [
            ("time_embed.0.", "time_embedding.linear_1.", .plain),
            ("time_embed.2.", "time_embedding.linear_2.", .plain),
            ("input_blocks.0.0.", "conv_in.", .plain), ("out.0.", "conv_norm_out.", .plain),
            ("out.2.", "conv_out.", .plain),
            ("middle_block.0.", "mid_block.resnets.0.", .resnet),
            ("middle_block.1.", "mid_block.attentions.0.", .plain),
            ("middle_block.2.", "mid_block.resnets.1.", .resnet),
        ]
        for i in 0..<s.levels {
            for j in 0..<l {
                let block = (l + 1) * i + j + 1
                rules.append(("input_blocks.\(block).0.", "down_blocks.\(i).resnets.\(j).", .resnet))
                if s.downAttention[i] {
                    rules.append(("input_blocks.\(block).1.", "down_blocks.\(i).attentions.\(j).", .plain))
                }
            }
            if i < s.levels - 1 {
                rules.append(
                    (
                        "input_blocks.\((l + 1) * (i + 1)).0.op.", "down_blocks.\(i).downsamplers.0.conv.",
                        .plain
                    ))
            }
        }
        for i in 0..<s.levels {
            for j in 0...l {
                let block = (l + 1) * i + j
                rules.append(("output_blocks.\(block).0.", "up_blocks.\(i).resnets.\(j).", .resnet))
                if s.upAttention[i] {
                    rules.append(("output_blocks.\(block).1.", "up_blocks.\(i).attentions.\(j).", .plain))
                }
            }
            if i < s.levels - 1 {
                let slot = s.upAttention[i] ? 2 : 1
                rules.append(
                    ("output_blocks.\((l + 1) * i + l).\(slot).", "up_blocks.\(i).upsamplers.0.", .plain))
            }
        }
        return rules
    }

    /// VAE levels and layers per block visible in original key names.
    static func vaeStructure(_ keys: [String]) -> (levels: Int, layersPerBlock: Int)? {
        var levels = 0
        while keys.contains(where: { $0.hasPrefix("encoder.down.\(levels).") }) { levels += 1 }
        var layers = 0
        while keys.contains(where: { $0.hasPrefix("encoder.down.0.block.\(layers).") }) { layers += 1 }
        return levels > 0 && layers > 0 ? (levels, layers) : nil
    }

    static func vaeRules(levels n: Int, layersPerBlock l: Int) -> [PrefixRule] {
        var rules: [PrefixRule] = [
            ("encoder.norm_out.", "encoder.conv_norm_out.", .plain),
            ("decoder.norm_out.", "decoder.conv_norm_out.", .plain),
        ]
        for part in ["encoder", "decoder"] {
            rules += [
                ("\(part).mid.block_1.", "\(part).mid_block.resnets.0.", .vaeResnet),
                ("\(part).mid.block_2.", "\(part).mid_block.resnets.1.", .vaeResnet),
                ("\(part).mid.attn_1.", "\(part).mid_block.attentions.0.", .vaeAttention),
            ]
        }
        for i in 0..<n {
            for j in 0..<l {
                rules.append(
                    ("encoder.down.\(i).block.\(j).", "encoder.down_blocks.\(i).resnets.\(j).", .vaeResnet))
            }
            rules.append(
                (
                    "encoder.down.\(i).downsample.conv.", "encoder.down_blocks.\(i).downsamplers.0.conv.",
                    .plain
                ))
            for j in 0...l {
                rules.append(
                    (
                        "decoder.up.\(n - 1 - i).block.\(j).", "decoder.up_blocks.\(i).resnets.\(j).",
                        .vaeResnet
                    ))
            }
            rules.append(
                (
                    "decoder.up.\(n - 1 - i).upsample.conv.", "decoder.up_blocks.\(i).upsamplers.0.conv.",
                    .plain
                ))
        }
        return rules
    }

    /// The diffusers name of an original key (component prefix already removed), and its kind.
    static func convert(_ key: String, rules: [PrefixRule]) -> (name: String, kind: Kind) {
        var best: PrefixRule?
        for rule in rules where key.hasPrefix(rule.original) {
            if best == nil || rule.original.count > best!.original.count { best = rule }
        }
        guard let rule = best else { return (key, .plain) }
        var rest = String(key.dropFirst(rule.original.count))
        let renames: [(String, String)]
        switch rule.kind {
        case .plain: renames = []
        case .resnet: renames = unetResnetRenames
        case .vaeResnet: renames = vaeResnetRenames
        case .vaeAttention: renames = vaeAttentionRenames
        }
        for (from, to) in renames where rest.hasPrefix(from) {
            rest = to + rest.dropFirst(from.count)
            break
        }
        return (rule.diffusers + rest, rule.kind)
    }

    /// Text-encoder keys: transformers' names, with the "text_model." level that older and
    /// newer files may omit restored.
    static func textName(_ key: String) -> String {
        key.hasPrefix("text_model.") ? key : "text_model." + key
    }
}
