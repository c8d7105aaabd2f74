#!/usr/bin/env python3
"""Builds the engine's golden fixtures: tiny random-weight models made by diffusers and
transformers classes from configs (never downloaded; seeded), written in both checkpoint
layouts, and the reference outputs the Swift tests compare with.

Writes Tests/DiffusionTests/Fixtures/models/:
    tiny-sd/                  diffusers folder layout (text encoder F32, VAE and U-Net F16)
    tiny-sd.safetensors       the same weights in the single-file original layout (F16)
    golden.safetensors        inputs and reference outputs (metadata: magic, version, script)

Needs (PyPI): torch, diffusers, transformers, safetensors, numpy. Versions used for the
committed files are recorded in golden.safetensors' metadata. Run:
    python3 scripts/make-fixtures.py
The architectures keep what single-file detection assumes of SD 1.x (32 norm groups, 64-wide
CLIP heads, 8 U-Net heads), so the single file is detected as the folder's configs say.
Every weight is rounded to a float16-representable value, so the F32 folder and the F16
single file hold exactly the same numbers.
"""
import json
import os
import shutil
import sys

import torch
import diffusers
import transformers
from diffusers import AutoencoderKL, UNet2DConditionModel, PNDMScheduler
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sdfarm_ref.original_layout import to_original_checkpoint  # noqa: E402

GOLDEN_MAGIC = "sdfarm-golden"
GOLDEN_VERSION = "1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "DiffusionTests", "Fixtures", "models")

TEXT_CONFIG = dict(
    vocab_size=256, hidden_size=128, intermediate_size=72, num_hidden_layers=2,
    num_attention_heads=2, max_position_embeddings=77, hidden_act="quick_gelu",
    layer_norm_eps=1e-5, projection_dim=128, bos_token_id=254, eos_token_id=255, pad_token_id=255,
)
VAE_CONFIG = dict(
    in_channels=3, out_channels=3, latent_channels=4,
    down_block_types=["DownEncoderBlock2D"] * 3, up_block_types=["UpDecoderBlock2D"] * 3,
    block_out_channels=[32, 32, 32], layers_per_block=1, norm_num_groups=32, sample_size=32,
    scaling_factor=0.18215,
)
UNET_CONFIG = dict(
    sample_size=8, in_channels=4, out_channels=4, layers_per_block=1,
    block_out_channels=[32, 32], down_block_types=["CrossAttnDownBlock2D", "DownBlock2D"],
    up_block_types=["UpBlock2D", "CrossAttnUpBlock2D"], cross_attention_dim=128,
    attention_head_dim=8, norm_num_groups=32,
)


def randomize(module, seed):
    """Default init leaves norms at 1/0; perturb every parameter so each one matters, then
    round to float16-representable values."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if name.endswith("norm.weight") or "norm" in name and name.endswith(".weight") and p.dim() == 1:
                p.copy_(1 + 0.1 * noise)
            elif p.dim() == 1:
                p.copy_(0.1 * noise)
            else:
                fan_in = p[0].numel()
                p.copy_(noise / fan_in ** 0.5)
            p.copy_(p.half().float())
    return module


def text_state_dict(model):
    """CLIPTextModel weights under the released key names ("text_model.…")."""
    sd = model.state_dict()
    return {(k if k.startswith("text_model.") else "text_model." + k): v.contiguous() for k, v in sd.items()}


def text_ids():
    """Two fixed id rows (BOS, words, EOS, padding with EOS), no tokenizer needed."""
    g = torch.Generator().manual_seed(7)
    rows = []
    for length in (5, 40):
        words = torch.randint(0, 254, (length,), generator=g).tolist()
        row = [254] + words + [255]
        rows.append(row + [255] * (77 - len(row)))
    return torch.tensor(rows, dtype=torch.int64)


def main():
    torch.manual_seed(0)
    folder = os.path.join(OUT, "tiny-sd")
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)

    config = CLIPTextConfig(**TEXT_CONFIG)
    config._attn_implementation = "eager"
    text = randomize(CLIPTextModel(config), 1).eval()
    vae = randomize(AutoencoderKL(**VAE_CONFIG), 2).eval()
    unet = randomize(UNet2DConditionModel(**UNET_CONFIG), 3).eval()

    text.save_pretrained(os.path.join(folder, "text_encoder"), safe_serialization=True)
    # transformers 5 saves CLIPTextModel keys without the "text_model." prefix that the SD
    # releases (made with transformers 4) carry; write the released form, which both load.
    text_sd = text_state_dict(text)
    save_file(text_sd, os.path.join(folder, "text_encoder", "model.safetensors"), metadata={"format": "pt"})
    reloaded = CLIPTextModel.from_pretrained(os.path.join(folder, "text_encoder"))
    assert all(torch.equal(a, b) for a, b in zip(reloaded.state_dict().values(), text.state_dict().values()))
    # The VAE and U-Net are stored as float16 (as "fp16" releases are); the weights are
    # float16-exact, so nothing changes numerically.
    vae.half().save_pretrained(os.path.join(folder, "vae"), safe_serialization=True)
    unet.half().save_pretrained(os.path.join(folder, "unet"), safe_serialization=True)
    vae.float()
    unet.float()
    PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                  set_alpha_to_one=False, skip_prk_steps=True, steps_offset=1).save_pretrained(os.path.join(folder, "scheduler"))
    with open(os.path.join(folder, "model_index.json"), "w") as f:
        json.dump({
            "_class_name": "StableDiffusionPipeline", "_diffusers_version": diffusers.__version__,
            "text_encoder": ["transformers", "CLIPTextModel"], "vae": ["diffusers", "AutoencoderKL"],
            "unet": ["diffusers", "UNet2DConditionModel"], "scheduler": ["diffusers", "PNDMScheduler"],
            "tokenizer": ["transformers", "CLIPTokenizer"], "safety_checker": [None, None],
            "feature_extractor": [None, None],
        }, f, indent=2)

    # Single file: original key names, F16, plus what real checkpoints also carry.
    original = to_original_checkpoint(unet.state_dict(), unet.config, vae.state_dict(), vae.config, text_sd)
    original = {k: v.half() for k, v in original.items()}
    original["cond_stage_model.transformer.text_model.embeddings.position_ids"] = torch.arange(77, dtype=torch.int64)[None]
    original["alphas_cumprod"] = torch.linspace(0.99, 0.01, 1000)
    save_file(original, os.path.join(OUT, "tiny-sd.safetensors"), metadata={"format": "pt"})

    golden = {}
    with torch.no_grad():
        ids = text_ids()
        out = text(input_ids=ids, output_hidden_states=True)
        golden["text.input_ids"] = ids.float()
        golden["text.last_hidden_state"] = out.last_hidden_state
        golden["text.clip_skip_2"] = text.final_layer_norm(out.hidden_states[-2])

        g = torch.Generator().manual_seed(11)
        latents = torch.randn(1, 4, 6, 5, generator=g)
        golden["vae.decode.latents"] = latents
        golden["vae.decode.sample"] = vae.decode(latents).sample
        image = torch.rand(1, 3, 16, 24, generator=g) * 2 - 1
        dist = vae.encode(image).latent_dist
        golden["vae.encode.image"] = image
        golden["vae.encode.mean"] = dist.mean
        golden["vae.encode.logvar"] = dist.logvar

        sample = torch.randn(2, 4, 8, 8, generator=g)
        golden["unet.sample"] = sample
        golden["unet.timestep"] = torch.tensor([981.0])
        golden["unet.out"] = unet(sample, 981, encoder_hidden_states=out.last_hidden_state).sample  # context: text.last_hidden_state

    save_file({k: v.contiguous().float() for k, v in golden.items()}, os.path.join(OUT, "golden.safetensors"), metadata={
        "magic": GOLDEN_MAGIC, "version": GOLDEN_VERSION, "script": "scripts/make-fixtures.py",
        "torch": torch.__version__, "diffusers": diffusers.__version__, "transformers": transformers.__version__,
    })
    total = 0
    for dirpath, _, files in os.walk(OUT):
        for name in files:
            total += os.path.getsize(os.path.join(dirpath, name))
    print(f"wrote {OUT} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
