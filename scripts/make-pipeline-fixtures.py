#!/usr/bin/env python3
"""Golden fixtures for sdfarm's txt2img pipeline, made by diffusers' own StableDiffusionPipeline.

Builds a tiny random-weight SD 1.x-shaped model (tokenizer with a few hundred BPE tokens and
24 positions, 2-layer CLIP text encoder, 3-level U-Net, 3-level VAE — latent factor 4, not SD's
8, so nothing may assume SD 1.5 sizes), writes it as a diffusers folder, and runs
StableDiffusionPipeline on it for every sampler, with and without guidance, a batch of 2 with
different prompts, non-square sizes (one whose latent the U-Net's down-sampling does not
divide), clip skip 2, a prompt longer than the tokenizer's limit, and the Philox generator.

Writes Tests/DiffusionTests/Fixtures/pipeline/:
    tiny-pipeline/     the model (diffusers folder, weights float16-exact, stored F16)
    cases.json         every case's settings and expectations (format FORMAT)
    reference.safetensors   CASE.latents: final latents [B, 4, h, w] (after the last step,
                       before VAE scaling), float32; CASE.image8: the 8-bit images [B, H, W, 3]
                       as numpy_to_pil makes them from postprocess's output (round(x · 255)),
                       stored as F16 (exact for 0…255)

Needs (PyPI): torch, diffusers, transformers, safetensors, numpy. Run from anywhere:
    python3 scripts/make-pipeline-fixtures.py
"""
import importlib.util
import json
import os
import shutil
import sys

import numpy as np
import torch
import diffusers
import transformers
from diffusers import AutoencoderKL, PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

FORMAT = "sdfarm-pipeline-fixtures-1"
SCRIPT = "scripts/make-pipeline-fixtures.py"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "Tests", "DiffusionTests", "Fixtures", "pipeline")


def load_script(name):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), os.path.join(HERE, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, HERE)
    spec.loader.exec_module(module)
    return module


fixtures = load_script("make-fixtures")          # randomize()
tokenizers = load_script("make-tokenizer-fixtures")  # clip_vocab(), write_folder()
samplers = load_script("make-sampler-fixtures")  # CLASSES, make_scheduler(), philox_randn()

MAX_LENGTH = 24
TEXT_CONFIG = dict(
    hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
    max_position_embeddings=MAX_LENGTH, hidden_act="quick_gelu", layer_norm_eps=1e-5, projection_dim=32,
)
VAE_CONFIG = dict(
    in_channels=3, out_channels=3, latent_channels=4,
    down_block_types=["DownEncoderBlock2D"] * 3, up_block_types=["UpDecoderBlock2D"] * 3,
    block_out_channels=[8, 8, 8], layers_per_block=1, norm_num_groups=4, sample_size=32,
    scaling_factor=0.4664695262908936,
)
UNET_CONFIG = dict(
    sample_size=8, in_channels=4, out_channels=4, layers_per_block=1,
    block_out_channels=[8, 8, 16], down_block_types=["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
    up_block_types=["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"], cross_attention_dim=32,
    attention_head_dim=2, norm_num_groups=4,
)
SCHEDULER = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                 set_alpha_to_one=False, skip_prk_steps=True, steps_offset=1)

RED = "a red circle on a blue square"
LONG = " ".join(["a tiny green triangle next to a huge yellow star"] * 3)

# name, sampler, schedule, steps, cfg, width, height, images [(prompt, negative, seed)], extras
CASES = [
    ("ddim", "ddim", "default", 4, 7.0, None, None, [(RED, "", 1)], {}),
    ("pndm", "pndm", "default", 4, 7.0, None, None, [(RED, "", 2)], {}),
    ("euler", "euler", "default", 4, 7.0, None, None, [(RED, "blurry", 3)], {}),
    ("euler_a-batch2", "euler_a", "default", 4, 7.0, None, None, [(RED, "", 4), (RED, "", 5)], {}),
    ("dpmpp_2m-karras", "dpmpp_2m", "karras", 5, 7.0, None, None, [(RED, "ugly", 6)], {}),
    ("dpmpp_2m-default", "dpmpp_2m", "default", 5, 7.0, None, None, [(RED, "ugly", 6)], {}),
    ("lms", "lms", "default", 4, 7.5, None, None, [(RED, "", 7)], {}),
    ("heun", "heun", "default", 3, 7.0, None, None, [(RED, "", 8)], {}),
    ("euler-no-guidance", "euler", "default", 4, 1.0, None, None, [(RED, "ignored without guidance", 9)], {}),
    ("dpmpp_2m-batch2-prompts", "dpmpp_2m", "karras", 4, 5.0, None, None,
     [(RED, "dark", 10), ("two small yellow stars", "", 11)], {}),
    ("nonsquare-40x24", "dpmpp_2m", "karras", 4, 7.0, 40, 24, [(RED, "", 12)], {}),
    ("nonsquare-24x48", "euler_a", "default", 3, 7.0, 24, 48, [(RED, "", 13)], {}),
    ("euler-trailing", "euler", "default", 4, 7.0, None, None, [(RED, "", 14)], {"spacing": "trailing"}),
    ("long-prompt", "euler", "default", 3, 7.0, None, None, [(LONG, "", 15)], {}),
    ("clip-skip-2", "euler", "default", 3, 7.0, None, None, [(RED, "blurry", 16)], {"clip_skip": 2}),
    ("philox", "dpmpp_2m", "karras", 4, 7.0, None, None, [(RED, "", 17), (RED, "", 18)], {"rng": "philox"}),
]


def build_model(folder):
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(os.path.join(folder, "tokenizer"))
    vocab, merges = tokenizers.clip_vocab(120)
    tokenizers.write_folder(os.path.join(folder, "tokenizer"), vocab, merges)
    config_path = os.path.join(folder, "tokenizer", "tokenizer_config.json")
    with open(config_path) as f:
        config = json.load(f)
    config["model_max_length"] = MAX_LENGTH
    with open(config_path, "w") as f:
        json.dump(config, f, indent=2)
    tokenizer = CLIPTokenizer.from_pretrained(os.path.join(folder, "tokenizer"))

    text_config = CLIPTextConfig(vocab_size=len(vocab), bos_token_id=vocab["<|startoftext|>"],
                                 eos_token_id=vocab["<|endoftext|>"], pad_token_id=vocab["<|endoftext|>"], **TEXT_CONFIG)
    text_config._attn_implementation = "eager"
    text = fixtures.randomize(CLIPTextModel(text_config), 21).eval()
    vae = fixtures.randomize(AutoencoderKL(**VAE_CONFIG), 22).eval()
    unet = fixtures.randomize(UNet2DConditionModel(**UNET_CONFIG), 23).eval()
    with torch.no_grad():  # scale conv_out so that decoded values have σ ≈ 0.6: few pixels clip
        probe = vae.decode(torch.randn(1, 4, 8, 8, generator=torch.Generator().manual_seed(5))).sample
        for p in (vae.decoder.conv_out.weight, vae.decoder.conv_out.bias):
            p.mul_(0.6 / probe.std().item()).copy_(p.half().float())

    text.save_pretrained(os.path.join(folder, "text_encoder"), safe_serialization=True)
    text_sd = {k: v.half().contiguous() for k, v in fixtures.text_state_dict(text).items()}
    save_file(text_sd, os.path.join(folder, "text_encoder", "model.safetensors"), metadata={"format": "pt"})
    vae.half().save_pretrained(os.path.join(folder, "vae"), safe_serialization=True)
    unet.half().save_pretrained(os.path.join(folder, "unet"), safe_serialization=True)
    vae.float()
    unet.float()
    scheduler = PNDMScheduler(**SCHEDULER)
    scheduler.save_pretrained(os.path.join(folder, "scheduler"))
    with open(os.path.join(folder, "model_index.json"), "w") as f:
        json.dump({
            "_class_name": "StableDiffusionPipeline", "_diffusers_version": diffusers.__version__,
            "text_encoder": ["transformers", "CLIPTextModel"], "vae": ["diffusers", "AutoencoderKL"],
            "unet": ["diffusers", "UNet2DConditionModel"], "scheduler": ["diffusers", "PNDMScheduler"],
            "tokenizer": ["transformers", "CLIPTokenizer"], "safety_checker": [None, None],
            "feature_extractor": [None, None], "requires_safety_checker": False,
        }, f, indent=2)
    pipe = StableDiffusionPipeline.from_pretrained(folder, safety_checker=None, feature_extractor=None,
                                                   requires_safety_checker=False, torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def clip_skip_embeds(pipe, texts, clip_skip):
    """A1111's clip skip: hidden_states[-clip_skip] → final layer norm, for every text."""
    ids = pipe.tokenizer(texts, padding="max_length", max_length=pipe.tokenizer.model_max_length,
                         truncation=True, return_tensors="pt").input_ids
    out = pipe.text_encoder(ids, output_hidden_states=True)
    model = getattr(pipe.text_encoder, "text_model", pipe.text_encoder)  # transformers 5 dropped the level
    return model.final_layer_norm(out.hidden_states[-clip_skip])


def run(pipe, base_scheduler, case):
    name, sampler, schedule, steps, cfg, width, height, images, extras = case
    spacing = extras.get("spacing")
    if type(base_scheduler) is samplers.CLASSES[sampler] and schedule == "default" and spacing is None:
        pipe.scheduler = base_scheduler  # the model's own scheduler, as loaded
    else:
        pipe.scheduler = samplers.make_scheduler(base_scheduler, sampler, schedule, spacing)
    prompts = [p for p, _, _ in images]
    negatives = [n for _, n, _ in images]
    seeds = [s for _, _, s in images]
    factor = pipe.vae_scale_factor
    w = width or pipe.unet.config.sample_size * factor
    h = height or pipe.unet.config.sample_size * factor
    kwargs = dict(num_inference_steps=steps, guidance_scale=cfg, height=height, width=width,
                  generator=[torch.Generator("cpu").manual_seed(s) for s in seeds])
    if extras.get("rng") == "philox":
        count = 4 * (h // factor) * (w // factor)
        noise = np.stack([samplers.philox_randn(s, 0, count) for s in seeds]).reshape(len(seeds), 4, h // factor, w // factor)
        kwargs["latents"] = torch.from_numpy(noise)
    if "clip_skip" in extras:
        kwargs["prompt_embeds"] = clip_skip_embeds(pipe, prompts, extras["clip_skip"])
        kwargs["negative_prompt_embeds"] = clip_skip_embeds(pipe, negatives, extras["clip_skip"])
    else:
        kwargs["prompt"] = prompts
        kwargs["negative_prompt"] = negatives
    final = {}

    def keep_latents(_pipe, _i, _t, tensors):
        final["latents"] = tensors["latents"].clone()
        return tensors

    with torch.no_grad():
        image = pipe(output_type="np", callback_on_step_end=keep_latents, **kwargs).images
    latents = final["latents"]
    assert tuple(latents.shape) == (len(seeds), 4, h // factor, w // factor), latents.shape
    assert image.shape == (len(seeds), h, w, 3), image.shape
    entry = {
        "name": name, "sampler": sampler, "schedule": schedule, "steps": steps, "cfg": cfg,
        "width": width, "height": height, "resolved_width": w, "resolved_height": h,
        "images": [{"prompt": p, "negative_prompt": n, "seed": s} for p, n, s in images],
        "timestep_spacing": spacing, "rng": extras.get("rng", "cpu"), "clip_skip": extras.get("clip_skip", 1),
        "timesteps": [float(t) for t in pipe.scheduler.timesteps],
    }
    return entry, latents.float().contiguous(), torch.from_numpy(image).float().contiguous()


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    pipe = build_model(os.path.join(OUT, "tiny-pipeline"))
    base = pipe.scheduler
    cases, tensors = [], {}
    for case in CASES:
        entry, latents, image = run(pipe, base, case)
        cases.append(entry)
        tensors[entry["name"] + ".latents"] = latents
        eight = np.round(image.numpy() * 255).astype(np.uint8)  # VaeImageProcessor.numpy_to_pil
        tensors[entry["name"] + ".image8"] = torch.from_numpy(eight.astype(np.float16))
        clipped = np.mean((eight == 0) | (eight == 255))
        print(f"{entry['name']:26s} latents {list(latents.shape)} |max| {latents.abs().max():.3f}  "
              f"8-bit mean {eight.mean():.0f}, {clipped:.0%} at 0 or 255")
    long_ids = pipe.tokenizer(LONG).input_ids
    assert len(long_ids) > MAX_LENGTH, "the long prompt must be truncated"
    meta = {"format": FORMAT, "script": SCRIPT, "torch": torch.__version__, "diffusers": diffusers.__version__,
            "transformers": transformers.__version__}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({**meta, "native_size": [pipe.unet.config.sample_size * pipe.vae_scale_factor] * 2,
                   "vae_scale_factor": pipe.vae_scale_factor, "cases": cases}, f, indent=1)
    save_file(tensors, os.path.join(OUT, "reference.safetensors"), metadata=meta)
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, files in os.walk(OUT) for n in files)
    print(f"wrote {OUT} ({total / 1e3:.0f} KB)")


if __name__ == "__main__":
    main()
