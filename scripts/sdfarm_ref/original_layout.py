"""Key conversion from the diffusers layout to the original (CompVis / "single-file") layout.

A single-file Stable Diffusion 1.x checkpoint holds three components under prefixes:
    model.diffusion_model.*           the U-Net
    first_stage_model.*               the VAE (AutoencoderKL)
    cond_stage_model.transformer.*    the CLIP text encoder (transformers' key names)
The mapping here is the one documented in docs/engine.md; the Swift engine implements the
reverse (Sources/Diffusion/Checkpoint/Layouts/OriginalLayout*.swift). Both sides must agree.

Usage:
    from sdfarm_ref.original_layout import to_original_checkpoint
    sd = to_original_checkpoint(unet.state_dict(), unet.config, vae.state_dict(),
                                vae.config, text_encoder.state_dict())
    safetensors.torch.save_file(sd, "model.safetensors")
"""

UNET_PREFIX = "model.diffusion_model."
VAE_PREFIX = "first_stage_model."
TEXT_PREFIX = "cond_stage_model.transformer."

# Inside a U-Net ResNet block: diffusers name -> original name.
UNET_RESNET_RENAMES = [
    ("norm1.", "in_layers.0."),
    ("conv1.", "in_layers.2."),
    ("time_emb_proj.", "emb_layers.1."),
    ("norm2.", "out_layers.0."),
    ("conv2.", "out_layers.3."),
    ("conv_shortcut.", "skip_connection."),
]

# Inside a VAE ResNet block.
VAE_RESNET_RENAMES = [("conv_shortcut.", "nin_shortcut.")]

# Inside the VAE mid-block attention.
VAE_ATTENTION_RENAMES = [
    ("group_norm.", "norm."),
    ("to_q.", "q."),
    ("to_k.", "k."),
    ("to_v.", "v."),
    ("to_out.0.", "proj_out."),
]


def _cfg(config, key):
    return config[key] if isinstance(config, dict) else getattr(config, key)


def unet_prefix_pairs(config):
    """(diffusers prefix, original prefix, kind) for every block of a UNet2DConditionModel."""
    L = _cfg(config, "layers_per_block")
    down = list(_cfg(config, "down_block_types"))
    up = list(_cfg(config, "up_block_types"))
    n = len(down)
    pairs = [
        ("time_embedding.linear_1.", "time_embed.0.", "plain"),
        ("time_embedding.linear_2.", "time_embed.2.", "plain"),
        ("conv_in.", "input_blocks.0.0.", "plain"),
        ("conv_norm_out.", "out.0.", "plain"),
        ("conv_out.", "out.2.", "plain"),
        ("mid_block.resnets.0.", "middle_block.0.", "resnet"),
        ("mid_block.attentions.0.", "middle_block.1.", "plain"),
        ("mid_block.resnets.1.", "middle_block.2.", "resnet"),
    ]
    for i in range(n):
        has_attention = down[i].startswith("CrossAttn")
        for j in range(L):
            block = (L + 1) * i + j + 1
            pairs.append((f"down_blocks.{i}.resnets.{j}.", f"input_blocks.{block}.0.", "resnet"))
            if has_attention:
                pairs.append((f"down_blocks.{i}.attentions.{j}.", f"input_blocks.{block}.1.", "plain"))
        if i < n - 1:
            pairs.append((f"down_blocks.{i}.downsamplers.0.conv.", f"input_blocks.{(L + 1) * (i + 1)}.0.op.", "plain"))
    for i in range(n):
        has_attention = up[i].startswith("CrossAttn")
        for j in range(L + 1):
            block = (L + 1) * i + j
            pairs.append((f"up_blocks.{i}.resnets.{j}.", f"output_blocks.{block}.0.", "resnet"))
            if has_attention:
                pairs.append((f"up_blocks.{i}.attentions.{j}.", f"output_blocks.{block}.1.", "plain"))
        if i < n - 1:
            slot = 2 if has_attention else 1
            pairs.append((f"up_blocks.{i}.upsamplers.0.", f"output_blocks.{(L + 1) * i + L}.{slot}.", "plain"))
    return pairs


def vae_prefix_pairs(config):
    n = len(_cfg(config, "block_out_channels"))
    L = _cfg(config, "layers_per_block")
    pairs = [
        ("encoder.conv_norm_out.", "encoder.norm_out.", "plain"),
        ("decoder.conv_norm_out.", "decoder.norm_out.", "plain"),
    ]
    for part in ("encoder", "decoder"):
        pairs += [
            (f"{part}.mid_block.resnets.0.", f"{part}.mid.block_1.", "resnet"),
            (f"{part}.mid_block.resnets.1.", f"{part}.mid.block_2.", "resnet"),
            (f"{part}.mid_block.attentions.0.", f"{part}.mid.attn_1.", "attention"),
        ]
    for i in range(n):
        for j in range(L):
            pairs.append((f"encoder.down_blocks.{i}.resnets.{j}.", f"encoder.down.{i}.block.{j}.", "resnet"))
        pairs.append((f"encoder.down_blocks.{i}.downsamplers.0.conv.", f"encoder.down.{i}.downsample.conv.", "plain"))
        for j in range(L + 1):
            pairs.append((f"decoder.up_blocks.{i}.resnets.{j}.", f"decoder.up.{n - 1 - i}.block.{j}.", "resnet"))
        pairs.append((f"decoder.up_blocks.{i}.upsamplers.0.conv.", f"decoder.up.{n - 1 - i}.upsample.conv.", "plain"))
    return pairs


def _convert(key, pairs, inner):
    best = None
    for d, o, kind in pairs:
        if key.startswith(d) and (best is None or len(d) > len(best[0])):
            best = (d, o, kind)
    if best is None:
        return key, "plain"
    d, o, kind = best
    rest = key[len(d):]
    for a, b in inner.get(kind, []):
        if rest.startswith(a):
            rest = b + rest[len(a):]
            break
    return o + rest, kind


def unet_to_original(state_dict, config):
    pairs = unet_prefix_pairs(config)
    out = {}
    for key, value in state_dict.items():
        new, _ = _convert(key, pairs, {"resnet": UNET_RESNET_RENAMES})
        out[UNET_PREFIX + new] = value
    return out


def vae_to_original(state_dict, config):
    pairs = vae_prefix_pairs(config)
    out = {}
    for key, value in state_dict.items():
        new, kind = _convert(key, pairs, {"resnet": VAE_RESNET_RENAMES, "attention": VAE_ATTENTION_RENAMES})
        if kind == "attention" and new.endswith(".weight") and value.dim() == 2:
            # The original VAE attention uses 1x1 convolutions: [C, C] -> [C, C, 1, 1].
            value = value.reshape(value.shape[0], value.shape[1], 1, 1)
        out[VAE_PREFIX + new] = value
    return out


def text_to_original(state_dict):
    """Real SD 1.x files name the text encoder cond_stage_model.transformer.text_model.*; transformers 5's
    CLIPTextModel.state_dict() may leave the text_model. level out, so add it when absent."""
    return {TEXT_PREFIX + (key if key.startswith("text_model.") else "text_model." + key): value
            for key, value in state_dict.items()}


def to_original_checkpoint(unet_sd, unet_config, vae_sd, vae_config, text_sd):
    out = {}
    out.update(unet_to_original(unet_sd, unet_config))
    out.update(vae_to_original(vae_sd, vae_config))
    out.update(text_to_original(text_sd))
    return {k: v.contiguous() for k, v in out.items()}
