"""Key conversion for the U-Net between the diffusers folder layout and the single-file original
(CompVis / LDM) layout, in the direction diffusers does not ship: diffusers -> original.

The reverse direction is diffusers' own `convert_ldm_unet_checkpoint`
(diffusers/loaders/single_file_utils.py); `make-unet-fixtures.py` checks that converting a
state dict here and back there gives the same tensors, so the two stay consistent.
"""

ORIGINAL_PREFIX = "model.diffusion_model."

_RESNET_RENAMES = [
    ("norm1", "in_layers.0"),
    ("conv1", "in_layers.2"),
    ("norm2", "out_layers.0"),
    ("conv2", "out_layers.3"),
    ("time_emb_proj", "emb_layers.1"),
    ("conv_shortcut", "skip_connection"),
]

_TOP_LEVEL = {
    "time_embedding.linear_1": "time_embed.0",
    "time_embedding.linear_2": "time_embed.2",
    "conv_in": "input_blocks.0.0",
    "conv_norm_out": "out.0",
    "conv_out": "out.2",
}


def _resnet_rest(rest):
    for new, old in _RESNET_RENAMES:
        if rest.startswith(new + "."):
            return old + rest[len(new):]
    raise KeyError(f"unknown ResnetBlock2D parameter {rest!r}")


def unet_key_to_original(key, config):
    """One diffusers U-Net key (`down_blocks.0.resnets.1.norm1.weight`) -> its original-layout
    key without the `model.diffusion_model.` prefix (`input_blocks.2.0.in_layers.0.weight`)."""
    lpb = config["layers_per_block"]
    if not isinstance(lpb, int):
        raise ValueError("the original layout needs one layers_per_block for every level")
    parts = key.split(".")
    for new, old in _TOP_LEVEL.items():
        if key.startswith(new + "."):
            return old + key[len(new):]
    if parts[0] == "down_blocks":
        level, kind = int(parts[1]), parts[2]
        if kind == "downsamplers":  # down_blocks.i.downsamplers.0.conv.X
            return f"input_blocks.{(lpb + 1) * (level + 1)}.0.op." + ".".join(parts[5:])
        layer = int(parts[3])
        block = (lpb + 1) * level + layer + 1
        rest = ".".join(parts[4:])
        if kind == "resnets":
            return f"input_blocks.{block}.0." + _resnet_rest(rest)
        if kind == "attentions":
            return f"input_blocks.{block}.1." + rest
    if parts[0] == "mid_block":
        kind, index = parts[1], int(parts[2])
        rest = ".".join(parts[3:])
        if kind == "resnets":
            return f"middle_block.{2 * index}." + _resnet_rest(rest)
        if kind == "attentions":
            return f"middle_block.{2 * index + 1}." + rest
    if parts[0] == "up_blocks":
        level, kind = int(parts[1]), parts[2]
        up_type = config["up_block_types"][level]
        if kind == "upsamplers":  # up_blocks.i.upsamplers.0.conv.X
            slot = 2 if up_type.startswith("CrossAttn") else 1
            return f"output_blocks.{(lpb + 1) * level + lpb}.{slot}.conv." + ".".join(parts[5:])
        layer = int(parts[3])
        block = (lpb + 1) * level + layer
        rest = ".".join(parts[4:])
        if kind == "resnets":
            return f"output_blocks.{block}.0." + _resnet_rest(rest)
        if kind == "attentions":
            return f"output_blocks.{block}.1." + rest
    raise KeyError(f"no original-layout key for U-Net parameter {key!r}")


def unet_state_dict_to_original(state_dict, config):
    """The whole U-Net state dict, keys prefixed with `model.diffusion_model.`."""
    return {ORIGINAL_PREFIX + unet_key_to_original(k, config): v for k, v in state_dict.items()}
