#!/usr/bin/env python3
"""Train sdfarm-shapes: a tiny SD 1.x-structured model (VAE, CLIP text encoder, U-Net) on seeded shapes.

Usage: python3 scripts/train-small-model.py [--vae-steps N] [--unet-steps N] [--out models/sdfarm-shapes]
       python3 scripts/train-small-model.py --continue-unet-steps N [--min-snr-gamma 5] --out DIR   # second stage
Writes the diffusers folder, models/sdfarm-shapes.safetensors (original layout) and eval samples.
The shipped model's exact commands are in models/sdfarm-shapes/README.md.
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


VAE_CHANNELS = (16, 32, 64)      # 3 levels: factor 4, a 64x64 image is a 16x16x4 latent
VAE_GROUPS = 16                  # = largestCommonGroupCount(VAE_CHANNELS), what single-file detection assumes
UNET_CHANNELS = (32, 64, 64)
TEXT_WIDTH = 32                  # 49408 x 32 fp16 token embedding = 3.2 MB, stored in both layouts
SD_SCALING_FACTOR = 0.18215      # folded into quant_conv/post_quant_conv so single-file detection's default is right


def build_models(text_layers=2, attention_everywhere=False):
    """attention_everywhere: cross-attention blocks at every U-Net level (16x16 too), not only at 8x8 and 4x4."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel
    n = len(VAE_CHANNELS)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, sample_size=64,
        down_block_types=("DownEncoderBlock2D",) * n, up_block_types=("UpDecoderBlock2D",) * n,
        block_out_channels=VAE_CHANNELS, layers_per_block=1, norm_num_groups=VAE_GROUPS)
    # One 32-wide head: what single-file detection gives (heads = max(1, width / 64)).
    text = CLIPTextModel(CLIPTextConfig(
        vocab_size=49408, hidden_size=TEXT_WIDTH, intermediate_size=4 * TEXT_WIDTH, num_hidden_layers=text_layers,
        num_attention_heads=1, max_position_embeddings=77, hidden_act="quick_gelu",
        bos_token_id=49406, eos_token_id=49407, pad_token_id=49407, projection_dim=TEXT_WIDTH))
    # attention_head_dim=8 means 8 heads per level in SD 1.x configs (diffusers' naming), as detection assumes.
    unet = UNet2DConditionModel(
        sample_size=64 // 2 ** (n - 1), in_channels=4, out_channels=4, layers_per_block=1,
        block_out_channels=UNET_CHANNELS,
        down_block_types=("CrossAttnDownBlock2D" if attention_everywhere else "DownBlock2D",
                          "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                        "CrossAttnUpBlock2D" if attention_everywhere else "UpBlock2D"),
        mid_block_type="UNetMidBlock2DCrossAttn",
        cross_attention_dim=TEXT_WIDTH, attention_head_dim=8, norm_num_groups=32)
    return vae, text, unet


def to_unit(imgs):
    return torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1.0


def lr_at(step, steps, peak, warmup, floor=0.05):
    """Linear warm-up, then cosine decay to floor * peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    q = (step - warmup) / max(1, steps - warmup)
    return peak * (floor + (1 - floor) * 0.5 * (1 + np.cos(np.pi * q)))


def train_vae(vae, imgs, steps, bs, crop, deadline):
    """L1 + MSE + tiny KL on random crop x crop windows (the VAE is convolutional; crops are cheaper)."""
    opt = torch.optim.AdamW(vae.parameters(), lr=2e-3, weight_decay=0.0)
    g = torch.Generator().manual_seed(1)
    vae.train()
    for step in range(steps):
        if time.time() > deadline:
            log(f"vae: SAFETY TIME CAP hit at step {step} of {steps}")
            break
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, 2e-3, 50)
        idx = torch.randint(0, len(imgs), (bs,), generator=g)
        oy, ox = (int(v) for v in torch.randint(0, 64 - crop + 1, (2,), generator=g))
        x = to_unit(imgs[idx.numpy()])[:, :, oy:oy + crop, ox:ox + crop]
        post = vae.encode(x).latent_dist
        z = post.sample(generator=g)
        rec = vae.decode(z).sample
        kl = post.kl().mean() / (crop * crop * 3)
        loss = F.l1_loss(rec, x) + F.mse_loss(rec, x) + 1e-4 * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            log(f"vae step {step} loss {loss.item():.4f} kl {kl.item():.4f}")
    vae.eval()


@torch.no_grad()
def fold_latent_affine(vae, shift, k):
    """Make the latent mean (mean - shift) * k inside quant_conv (per-channel shift; log-variance
    moved by 2 ln k) and undo it in post_quant_conv: decode(encode(x)) is unchanged, the latents
    are centred with std 1 / scaling_factor, as SD 1.x's scaling factor expects."""
    c = vae.config.latent_channels
    vae.post_quant_conv.bias += vae.post_quant_conv.weight[:, :, 0, 0] @ shift
    vae.post_quant_conv.weight /= k
    vae.quant_conv.bias[:c] -= shift
    vae.quant_conv.weight[:c] *= k
    vae.quant_conv.bias[:c] *= k
    vae.quant_conv.bias[c:] += 2 * float(np.log(k))


def train_unet(unet, text, tok, latents, caps, steps, bs, lr, deadline, stop_at=None, min_snr_gamma=0.0,
               offset_noise=0.0, ema_decay=0.995):
    """min_snr_gamma > 0: weight each sample's epsilon MSE by min(SNR, gamma) / SNR (Hang et al. 2023,
    "Efficient Diffusion Training via Min-SNR Weighting"), which stops the many easy low-noise
    steps from drowning the high-noise ones that decide colours and layout."""
    from diffusers import DDPMScheduler
    sched = DDPMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000)
    params = list(unet.parameters()) + list(text.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    ema_params = [p.detach().clone() for p in params]
    g = torch.Generator().manual_seed(2)
    ids_all = tok(caps, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    empty = tok([""], padding="max_length", max_length=77, return_tensors="pt").input_ids[0]
    unet.train()
    text.train()
    avg = None
    for step in range(steps):
        if step == stop_at:
            log(f"unet: stopping after {step} of {steps} steps (--unet-stop-at)")
            break
        if time.time() > deadline:
            log(f"unet: SAFETY TIME CAP hit at step {step} of {steps}")
            break
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, lr, 100)
        idx = torch.randint(0, len(latents), (bs,), generator=g)
        ids = ids_all[idx].clone()
        drop = torch.rand(bs, generator=g) < 0.1
        ids[drop] = empty
        z0 = latents[idx]
        noise = torch.randn(z0.shape, generator=g)
        if offset_noise:
            # SD's schedule leaves ~7 % of the image's mean at t = 999 but sampling starts from pure
            # noise, so the mean colour is never learned; a per-channel constant in the noise fixes it.
            noise = noise + offset_noise * torch.randn(bs, z0.shape[1], 1, 1, generator=g)
        t = torch.randint(0, 1000, (bs,), generator=g)
        zt = sched.add_noise(z0, noise, t)
        cond = text(ids).last_hidden_state
        pred = unet(zt, t, encoder_hidden_states=cond).sample
        if min_snr_gamma:
            snr = sched.alphas_cumprod[t] / (1 - sched.alphas_cumprod[t])
            weight = torch.clamp(snr, max=min_snr_gamma) / snr
            loss = (F.mse_loss(pred, noise, reduction="none").mean(dim=(1, 2, 3)) * weight).mean()
        else:
            loss = F.mse_loss(pred, noise)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        decay = min(ema_decay, (1 + step) / (10 + step))
        with torch.no_grad():
            for e, p in zip(ema_params, params):
                e.mul_(decay).add_(p.detach(), alpha=1 - decay)
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        if step % 50 == 0 or step == steps - 1:
            log(f"unet step {step} loss {loss.item():.4f} avg {avg:.4f} lr {opt.param_groups[0]['lr']:.2e}")
    with torch.no_grad():
        for e, p in zip(ema_params, params):
            p.copy_(e)
    unet.eval()
    text.eval()


def border_weights(size, width, weight, corner_weight=1.0):
    """Per-pixel loss weights, mean 1: `weight` times more on the outer `width` pixels than inside,
    `corner_weight` times more on the width x width squares in the corners."""
    w = torch.ones(1, 1, size, size)
    if width > 0:
        w[..., :width, :] = weight
        w[..., -width:, :] = weight
        w[..., :, :width] = weight
        w[..., :, -width:] = weight
        for ys in (slice(0, width), slice(size - width, size)):
            for xs in (slice(0, width), slice(size - width, size)):
                w[..., ys, xs] = corner_weight
    return w / w.mean()


def finetune_decoder(vae, imgs, steps, bs, deadline, latent_noise=0.0, border_weight=1.0, corner_weight=1.0):
    """Decoder-only fine-tune on whole 64x64 images (encoder, hence the latent space, frozen): the
    crop-trained decoder leaves a frame at the image border and washed-out colours. border_weight: the
    loss on the outer 4 pixels counts this many times as much as inside (stray border pixels spoil
    every shape measurement, and they are few, so a plain mean barely sees them); corner_weight: the
    same for the 4 x 4 corners, where the zero-padded convolutions go most wrong. latent_noise: each
    latent gets Gaussian noise of std U(0, latent_noise) / scaling_factor, so the decoder learns to
    ignore the small errors sampled latents carry instead of turning them into texture."""
    params = list(vae.decoder.parameters()) + list(vae.post_quant_conv.parameters())
    for p in vae.parameters():
        p.requires_grad_(False)
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=5e-4, weight_decay=0.0)
    g = torch.Generator().manual_seed(3)
    weights = border_weights(imgs.shape[1], 4, border_weight, corner_weight)
    vae.decoder.train()
    for step in range(steps):
        if time.time() > deadline:
            log(f"decoder: SAFETY TIME CAP hit at step {step} of {steps}")
            break
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, 5e-4, 20)
        idx = torch.randint(0, len(imgs), (bs,), generator=g)
        x = to_unit(imgs[idx.numpy()])
        with torch.no_grad():
            z = vae.encode(x).latent_dist.sample(generator=g)
            if latent_noise:
                sigma = torch.rand(bs, 1, 1, 1, generator=g) * latent_noise / vae.config.scaling_factor
                z = z + sigma * torch.randn(z.shape, generator=g)
        rec = vae.decode(z).sample
        diff = rec - x
        loss = ((diff.abs() + diff * diff) * weights).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 25 == 0 or step == steps - 1:
            log(f"decoder step {step} loss {loss.item():.4f}")
    for p in vae.parameters():
        p.requires_grad_(True)
    vae.eval()


def finetune_decoder_only(args, caps, imgs, tok, end):
    """Second stage for a model already trained and exported to args.out: load it, fine-tune the VAE
    decoder, export again (text encoder and U-Net unchanged)."""
    from diffusers import StableDiffusionPipeline
    pipe = StableDiffusionPipeline.from_pretrained(args.out, torch_dtype=torch.float32, safety_checker=None,
                                                   requires_safety_checker=False)
    vae = pipe.vae
    before = save_recon_grid(vae, imgs[:16], os.path.join(args.out, "eval", "vae-recon-before-decoder-finetune.png"))
    finetune_decoder(vae, imgs, args.decoder_steps, args.decoder_batch, end, args.decoder_latent_noise,
                         args.decoder_border_weight, args.decoder_corner_weight)
    after = save_recon_grid(vae, imgs[:16], os.path.join(args.out, "eval", "vae-recon.png"))
    log(f"vae recon mse (16 training images) before {before:.5f} after {after:.5f} the decoder fine-tune")
    export(args.out, vae, pipe.text_encoder, pipe.unet, tok)


def continue_training(args, caps, imgs, tok, end):
    """Second stage for a model already trained and exported to args.out: more text-encoder + U-Net
    steps (a fresh warm-up + cosine schedule), then the decoder fine-tune, then export again."""
    from diffusers import StableDiffusionPipeline
    pipe = StableDiffusionPipeline.from_pretrained(args.out, torch_dtype=torch.float32, safety_checker=None,
                                                   requires_safety_checker=False)
    vae, text, unet = pipe.vae, pipe.text_encoder, pipe.unet
    with torch.no_grad():
        lat = torch.cat([vae.encode(to_unit(imgs[i:i + 200])).latent_dist.mean for i in range(0, len(imgs), 200)])
    log(f"latents {tuple(lat.shape)} mean {lat.mean():.3f} std {lat.std():.4f} (scaled: {lat.std() * vae.config.scaling_factor:.4f})")
    train_unet(unet, text, tok, lat * vae.config.scaling_factor, caps, args.continue_unet_steps, args.unet_batch,
               args.unet_lr, end, args.unet_stop_at, args.min_snr_gamma, args.offset_noise, args.ema_decay)
    if args.decoder_steps:
        finetune_decoder(vae, imgs, args.decoder_steps, args.decoder_batch, end, args.decoder_latent_noise,
                         args.decoder_border_weight, args.decoder_corner_weight)
        log(f"vae recon mse after the decoder fine-tune {save_recon_grid(vae, imgs[:16], os.path.join(args.out, 'eval', 'vae-recon.png')):.5f}")
    export(args.out, vae, text, unet, tok)


def save_recon_grid(vae, imgs, path):
    from PIL import Image
    with torch.no_grad():
        x = to_unit(imgs)
        rec = vae.decode(vae.encode(x).latent_dist.mean).sample
    mse = F.mse_loss(rec, x).item()
    rec8 = ((rec.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
    grid = np.concatenate([np.concatenate(list(imgs), 1), np.concatenate(list(rec8), 1)], 0)
    Image.fromarray(grid).save(path)
    return mse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vae-steps", type=int, default=700)
    ap.add_argument("--vae-batch", type=int, default=16)
    ap.add_argument("--vae-crop", type=int, default=32)
    ap.add_argument("--unet-steps", type=int, default=1400)
    ap.add_argument("--unet-batch", type=int, default=32)
    ap.add_argument("--unet-lr", type=float, default=1e-3)
    ap.add_argument("--min-snr-gamma", type=float, default=0.0, help="Min-SNR loss weighting (0: plain epsilon MSE)")
    ap.add_argument("--ema-decay", type=float, default=0.995, help="EMA of the text encoder + U-Net weights (exported)")
    ap.add_argument("--offset-noise", type=float, default=0.0, help="per-channel constant noise added in U-Net training")
    ap.add_argument("--unet-stop-at", type=int, default=None,
                    help="stop after this many steps while keeping the --unet-steps schedule (repeats a run the time cap cut short)")
    ap.add_argument("--images", type=int, default=12000)
    ap.add_argument("--text-layers", type=int, default=2, help="CLIP text encoder layers (width stays 32, one head)")
    ap.add_argument("--attention-everywhere", action="store_true",
                    help="cross-attention at every U-Net level (16x16 too), not only at 8x8 and 4x4")
    ap.add_argument("--reuse-vae", metavar="DIR",
                    help="take the VAE of the model folder DIR (made by an earlier run) instead of training one")
    ap.add_argument("--decoder-steps", type=int, default=300, help="decoder-only fine-tune on whole images")
    ap.add_argument("--decoder-batch", type=int, default=8)
    ap.add_argument("--decoder-corner-weight", type=float, default=1.0,
                    help="weight of the 4x4 corners in the decoder fine-tune's loss, relative to the inside")
    ap.add_argument("--decoder-border-weight", type=float, default=1.0,
                    help="weight of the outer 4 pixels in the decoder fine-tune's loss, relative to the inside")
    ap.add_argument("--decoder-latent-noise", type=float, default=0.1,
                    help="max std (in scaled latent units) of the noise added to latents in the decoder fine-tune")
    ap.add_argument("--continue-unet-steps", type=int, default=0,
                    help="load the model in --out and train the text encoder + U-Net this many more steps (then decoder fine-tune, export)")
    ap.add_argument("--finetune-decoder-only", action="store_true",
                    help="load the model in --out and only run the decoder fine-tune (then export again)")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; 1 is several times faster than 2 when other jobs load the machine")
    ap.add_argument("--minutes", type=float, default=75.0,
                    help="safety cap on wall time (the step counts decide the run; hitting the cap is logged)")
    ap.add_argument("--out", default=os.path.join(ROOT, "models/sdfarm-shapes"))
    ap.add_argument("--skip-eval", action="store_true")
    args = ap.parse_args()
    log(f"args {vars(args)}")
    torch.set_num_threads(args.threads)
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
    if args.continue_unet_steps:
        continue_training(args, caps, imgs, tok, end)
        log(f"continued, fine-tuned and exported in {(time.time() - t0) / 60:.1f} min")
        return
    if args.finetune_decoder_only:
        finetune_decoder_only(args, caps, imgs, tok, end)
        log(f"decoder fine-tuned and exported in {(time.time() - t0) / 60:.1f} min")
        return
    vae, text, unet = build_models(args.text_layers, args.attention_everywhere)
    if args.reuse_vae:
        # A VAE trained (and folded, and decoder-fine-tuned) by an earlier run of this script.
        from diffusers import AutoencoderKL
        vae = AutoencoderKL.from_pretrained(os.path.join(args.reuse_vae, "vae"), torch_dtype=torch.float32).eval()
        log(f"vae: reused from {args.reuse_vae} (not trained in this run)")
    for name, m in (("vae", vae), ("text", text), ("unet", unet)):
        log(f"{name}: {sum(p.numel() for p in m.parameters()) / 1e6:.3f} M params")
    os.makedirs(os.path.join(args.out, "eval"), exist_ok=True)
    if not args.reuse_vae:
        train_vae(vae, imgs, args.vae_steps, args.vae_batch, args.vae_crop, end)
        log(f"vae trained at {(time.time() - t0) / 60:.1f} min")
        with torch.no_grad():
            lat = torch.cat([vae.encode(to_unit(imgs[i:i + 200])).latent_dist.mean for i in range(0, len(imgs), 200)])
        shift = lat.mean(dim=(0, 2, 3))
        k = float(1.0 / SD_SCALING_FACTOR / (lat - shift[None, :, None, None]).std())
        fold_latent_affine(vae, shift, k)
        vae.register_to_config(scaling_factor=SD_SCALING_FACTOR)
        log(f"folded latent shift {[round(v, 3) for v in shift.tolist()]}, x{k:.4f}; scaling_factor {SD_SCALING_FACTOR}")
    with torch.no_grad():
        lat = torch.cat([vae.encode(to_unit(imgs[i:i + 200])).latent_dist.mean for i in range(0, len(imgs), 200)])
    log(f"latents {tuple(lat.shape)} mean {lat.mean():.3f} std {lat.std():.4f} at {(time.time() - t0) / 60:.1f} min")
    mse = save_recon_grid(vae, imgs[:16], os.path.join(args.out, "eval", "vae-recon.png"))
    log(f"vae recon mse (16 training images, [-1,1] units) {mse:.5f}")
    train_unet(unet, text, tok, lat * SD_SCALING_FACTOR, caps, args.unet_steps, args.unet_batch, args.unet_lr, end,
               args.unet_stop_at, args.min_snr_gamma, args.offset_noise, args.ema_decay)
    if args.decoder_steps:
        finetune_decoder(vae, imgs, args.decoder_steps, args.decoder_batch, end, args.decoder_latent_noise,
                         args.decoder_border_weight, args.decoder_corner_weight)
        log(f"vae recon mse after the decoder fine-tune {save_recon_grid(vae, imgs[:16], os.path.join(args.out, 'eval', 'vae-recon.png')):.5f}")
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
    # tokenizer.json (3.6 MB) repeats vocab.json + merges.txt; CLIPTokenizer and the engine read those two.
    tj = os.path.join(out, "tokenizer", "tokenizer.json")
    if os.path.exists(tj):
        os.remove(tj)
    total = 0
    for root, _, files in os.walk(out):
        for name in files:
            if not root.endswith("eval") and name != "README.md":
                total += os.path.getsize(os.path.join(root, name))
    single = os.path.getsize(out.rstrip("/") + ".safetensors")
    log(f"size: folder {total} bytes + single file {single} bytes = {total + single} bytes")


if __name__ == "__main__":
    main()
