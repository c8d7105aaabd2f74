#!/usr/bin/env python3
"""Train sdfarm-shapes: a tiny SD 1.x-structured model (VAE, CLIP text encoder, U-Net) on seeded shapes.

Usage: python3 scripts/train-small-model.py [--vae-steps N] [--unet-steps N] [--out models/sdfarm-shapes]
Writes the diffusers folder, models/sdfarm-shapes.safetensors (original layout) and eval samples.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shapes import data  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BPE = os.path.join(ROOT, "Sources/Diffusion/Resources/clip/bpe_simple_vocab_16e6.txt.gz")


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def write_tokenizer_files(folder):
    """Build CLIP's vocab.json/merges.txt (49408 entries) from the shipped BPE merge list."""
    os.makedirs(folder, exist_ok=True)
    lines = gzip.open(BPE).read().decode("utf-8").split("\n")[1:49152 - 256 - 2 + 1]
    merges = [tuple(m.split()) for m in lines]
    vocab = list(bytes_to_unicode().values())
    vocab += [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    assert len(vocab) == 49408, len(vocab)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({t: i for i, t in enumerate(vocab)}, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")


def build_models():
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, sample_size=64,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(32, 32, 64, 64), layers_per_block=1, norm_num_groups=16)
    text = CLIPTextModel(CLIPTextConfig(
        vocab_size=49408, hidden_size=64, intermediate_size=256, num_hidden_layers=2,
        num_attention_heads=4, max_position_embeddings=77, hidden_act="quick_gelu",
        bos_token_id=49406, eos_token_id=49407, pad_token_id=49407, projection_dim=64))
    unet = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, layers_per_block=1,
        block_out_channels=(64, 128),
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        mid_block_type="UNetMidBlock2DCrossAttn",
        cross_attention_dim=64, attention_head_dim=4, norm_num_groups=32)
    return vae, text, unet


def to_unit(imgs):
    return torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1.0


def train_vae(vae, imgs, steps, bs, deadline):
    opt = torch.optim.AdamW(vae.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(1)
    vae.train()
    for step in range(steps):
        if time.time() > deadline:
            log(f"vae: time cap hit at step {step}")
            break
        idx = torch.randint(0, len(imgs), (bs,), generator=g)
        x = to_unit(imgs[idx.numpy()])
        post = vae.encode(x).latent_dist
        z = post.sample(generator=g)
        rec = vae.decode(z).sample
        kl = post.kl().mean() / (64 * 64 * 3)
        loss = F.l1_loss(rec, x) + F.mse_loss(rec, x) + 1e-4 * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            log(f"vae step {step} loss {loss.item():.4f} kl {kl.item():.4f}")
    vae.eval()


def train_unet(unet, text, tok, latents, caps, steps, bs, deadline):
    from diffusers import DDPMScheduler
    sched = DDPMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000)
    params = list(unet.parameters()) + list(text.parameters())
    opt = torch.optim.AdamW(params, lr=5e-4, weight_decay=0.0)
    g = torch.Generator().manual_seed(2)
    ids_all = tok(caps, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    empty = tok([""], padding="max_length", max_length=77, return_tensors="pt").input_ids[0]
    unet.train()
    text.train()
    ema = None
    for step in range(steps):
        if time.time() > deadline:
            log(f"unet: time cap hit at step {step}")
            break
        idx = torch.randint(0, len(latents), (bs,), generator=g)
        ids = ids_all[idx].clone()
        drop = torch.rand(bs, generator=g) < 0.1
        ids[drop] = empty
        z0 = latents[idx]
        noise = torch.randn(z0.shape, generator=g)
        t = torch.randint(0, 1000, (bs,), generator=g)
        zt = sched.add_noise(z0, noise, t)
        cond = text(ids).last_hidden_state
        pred = unet(zt, t, encoder_hidden_states=cond).sample
        loss = F.mse_loss(pred, noise)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % 50 == 0:
            log(f"unet step {step} loss {loss.item():.4f} ema {ema:.4f}")
    unet.eval()
    text.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vae-steps", type=int, default=600)
    ap.add_argument("--unet-steps", type=int, default=1500)
    ap.add_argument("--images", type=int, default=8000)
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock cap for the whole run")
    ap.add_argument("--out", default=os.path.join(ROOT, "models/sdfarm-shapes"))
    ap.add_argument("--skip-eval", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    t0 = time.time()
    end = t0 + args.minutes * 60
    from transformers import CLIPTokenizer
    tokdir = os.path.join(args.out, "tokenizer")
    write_tokenizer_files(tokdir)
    tok = CLIPTokenizer(os.path.join(tokdir, "vocab.json"), os.path.join(tokdir, "merges.txt"), model_max_length=77)
    held = set(data.held_out_triples())
    caps, imgs, _ = data.make_dataset(args.images, seed=42, exclude=held)
    log(f"data: {len(caps)} images, {len(held)} held-out triples; e.g. {caps[0]!r}")
    vae, text, unet = build_models()
    for name, m in (("vae", vae), ("text", text), ("unet", unet)):
        log(f"{name}: {sum(p.numel() for p in m.parameters()) / 1e6:.2f} M params")
    vae_end = t0 + (end - t0) * 0.35
    train_vae(vae, imgs, args.vae_steps, 32, vae_end)
    with torch.no_grad():
        lat = torch.cat([vae.encode(to_unit(imgs[i:i + 256])).latent_dist.mean for i in range(0, len(imgs), 256)])
        rec = vae.decode(lat[:8]).sample
        log(f"vae recon mse (first 8) {F.mse_loss(rec, to_unit(imgs[:8])).item():.4f}")
    scale = float(1.0 / lat.std())
    vae.register_to_config(scaling_factor=scale)
    log(f"latents {tuple(lat.shape)} std {lat.std():.4f} -> scaling_factor {scale:.4f}")
    train_unet(unet, text, tok, lat * scale, caps, args.unet_steps, 64, end)
    export(args.out, vae, text, unet, tok)
    log(f"trained and exported in {(time.time() - t0) / 60:.1f} min")
    if not args.skip_eval:
        import importlib
        ev = importlib.import_module("shapes.evaluate")
        ev.run(args.out, os.path.join(args.out, "eval"))


def export(out, vae, text, unet, tok):
    from diffusers import PNDMScheduler, StableDiffusionPipeline
    from safetensors.torch import save_file
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    from sdfarm_ref.original_layout import to_original_checkpoint
    sched = PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                          num_train_timesteps=1000, skip_prk_steps=True, steps_offset=1, set_alpha_to_one=False)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet, scheduler=sched,
                                   safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe.to(torch.float16)
    pipe.save_pretrained(out, safe_serialization=True)
    sd = to_original_checkpoint(unet.state_dict(), unet.config, vae.state_dict(), vae.config, text.state_dict())
    sd = {k: v.detach().to(torch.float16).contiguous() for k, v in sd.items()}
    save_file(sd, out.rstrip("/") + ".safetensors", metadata={"source": "scripts/train-small-model.py"})
    pipe.to(torch.float32)


if __name__ == "__main__":
    main()
