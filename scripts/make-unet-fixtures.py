#!/usr/bin/env python3
"""Golden fixtures for the U-Net (Tests/DiffusionTests/Fixtures/unet/).

Builds tiny UNet2DConditionModel configurations with diffusers (never downloaded; weights drawn
from a fixed seed), saves each in the diffusers folder layout (`NAME/unet/config.json` +
`diffusion_pytorch_model.safetensors`) and, for SD 1.x-shaped configurations, in the
single-file original layout (`NAME-original.safetensors`, keys `model.diffusion_model.*`), then
runs the reference in float32 and writes `NAME-golden.safetensors`: for every case the inputs
(sample [2,4,h,w], timesteps [2], context [2,L,C]), the output eps and the intermediate
tensors (time embedding, each down block, mid block and up block output).

Needs: torch, diffusers (0.42 here), safetensors, numpy.
Run:   python3 scripts/make-unet-fixtures.py   (from the repository root)
"""
import json
import math
import os
import sys

import torch
from diffusers import UNet2DConditionModel
from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sdfarm_ref.original_layout import unet_to_original  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "DiffusionTests", "Fixtures", "unet")
GOLDEN_FORMAT = "sdfarm-unet-golden"
GOLDEN_VERSION = "1"

CONFIGS = {
    # SD 1.x shape, scaled down: three levels (the last without attention), two ResNets per
    # level, `attention_head_dim` 8 meaning 8 heads (diffusers' SD 1.x naming quirk), conv
    # projections, flip_sin_to_cos, freq_shift 0.
    "sd1-tiny": dict(
        config=dict(
            sample_size=8,
            in_channels=4,
            out_channels=4,
            block_out_channels=(16, 24, 32),
            down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
            layers_per_block=2,
            attention_head_dim=8,
            cross_attention_dim=20,
            norm_num_groups=8,
        ),
        original_layout=True,
        context_length=7,
        # (height, width): a multiple of the down-sampling factor 4, then two that are not.
        sizes=[(8, 8), (12, 10), (9, 7)],
    ),
    # The knobs SD 1.x does not turn: per-level head counts, linear projections, two
    # transformer layers per block, one ResNet per level, attention everywhere,
    # sin-then-cos with freq_shift 1, other group count and epsilon, mid-block scale factor.
    "variant-tiny": dict(
        config=dict(
            sample_size=8,
            in_channels=4,
            out_channels=4,
            block_out_channels=(8, 16),
            down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
            layers_per_block=1,
            attention_head_dim=[2, 4],
            use_linear_projection=True,
            transformer_layers_per_block=2,
            flip_sin_to_cos=False,
            freq_shift=1,
            cross_attention_dim=24,
            norm_num_groups=4,
            norm_eps=1e-6,
            mid_block_scale_factor=1.5,
        ),
        original_layout=False,
        context_length=5,
        sizes=[(8, 8), (5, 6)],
    ),
}


def randomize(model, generator):
    """Every parameter drawn again from the seeded generator, so none is zero or one by
    construction (diffusers zero-initialises nothing here, but norms start at 1/0)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                if "norm" in name and name.endswith("weight"):
                    p.copy_(1 + 0.1 * torch.randn(p.shape, generator=generator))
                else:
                    p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=generator) / math.sqrt(fan_in))


def record_intermediates(model, store):
    hooks = []

    def keep(name):
        def hook(_module, _inputs, output):
            value = output[0] if isinstance(output, tuple) else output
            store[name] = value.detach().clone()
        return hook

    hooks.append(model.time_embedding.register_forward_hook(keep("time_embedding")))
    for i, block in enumerate(model.down_blocks):
        hooks.append(block.register_forward_hook(keep(f"down_blocks.{i}")))
    hooks.append(model.mid_block.register_forward_hook(keep("mid_block")))
    for i, block in enumerate(model.up_blocks):
        hooks.append(block.register_forward_hook(keep(f"up_blocks.{i}")))
    return hooks


def check_original_layout(model, config, original):
    """The project's diffusers->original conversion (scripts/sdfarm_ref/original_layout.py),
    undone by diffusers' own converter, must give back every tensor exactly."""
    back = convert_ldm_unet_checkpoint(original, dict(config))
    state = model.state_dict()
    assert set(back) == set(state), (set(back) ^ set(state))
    for k, v in state.items():
        assert torch.equal(back[k], v), k


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    for seed, (name, spec) in enumerate(sorted(CONFIGS.items())):
        generator = torch.Generator("cpu").manual_seed(1000 + seed)
        model = UNet2DConditionModel(**spec["config"]).eval()
        randomize(model, generator)
        config = dict(model.config)

        folder = os.path.join(OUT, name, "unet")
        model.save_pretrained(folder, safe_serialization=True)
        if spec["original_layout"]:
            state = {k: v.contiguous() for k, v in model.state_dict().items()}
            original = unet_to_original(state, config)
            check_original_layout(model, config, original)
            save_file(original, os.path.join(OUT, f"{name}-original.safetensors"),
                      metadata={"generator": "scripts/make-unet-fixtures.py"})

        golden = {}
        cross = spec["config"]["cross_attention_dim"]
        for h, w in spec["sizes"]:
            case = f"{h}x{w}"
            sample = torch.randn((2, 4, h, w), generator=generator)
            timesteps = torch.tensor([999.0, 37.0])
            context = torch.randn((2, spec["context_length"], cross), generator=generator)
            store = {}
            hooks = record_intermediates(model, store)
            with torch.no_grad():
                eps = model(sample, timesteps, encoder_hidden_states=context).sample
            for hook in hooks:
                hook.remove()
            golden[f"{case}.sample"] = sample
            golden[f"{case}.timesteps"] = timesteps
            golden[f"{case}.context"] = context
            golden[f"{case}.eps"] = eps
            for key, value in store.items():
                golden[f"{case}.{key}"] = value
            print(f"{name} {case}: eps max |x| {eps.abs().max().item():.4f}")
        golden = {k: v.contiguous().float() for k, v in golden.items()}
        save_file(golden, os.path.join(OUT, f"{name}-golden.safetensors"), metadata={
            "format": GOLDEN_FORMAT,
            "version": GOLDEN_VERSION,
            "generator": "scripts/make-unet-fixtures.py",
            "reference": f"diffusers {__import__('diffusers').__version__}, torch {torch.__version__}",
            "cases": json.dumps([f"{h}x{w}" for h, w in spec["sizes"]]),
        })
        params = sum(p.numel() for p in model.parameters())
        print(f"{name}: {params} parameters")


if __name__ == "__main__":
    main()
