#!/usr/bin/env python3
"""PyTorch's side of `sdfarm bench engine` (and `sdfarm bench unet`): the full-size SD 1.5 text
encoder (transformers' CLIPTextModel, ViT-L/14 text config), U-Net (diffusers'
UNet2DConditionModel, SD 1.5 config) and VAE (AutoencoderKL, SD 1.5 config), all with random
weights (nothing downloaded), float32 on the CPU, on the shapes and thread count the Swift
benchmark uses:

- text encoder: a guidance batch, 2 rows of 77 token ids;
- U-Net: one step with guidance, batch 2, 77-token contexts of width 768, per image size;
- VAE: one decode of a [1, 4, size/8, size/8] latent.

Each stage: a warm-up call under torch's FlopCounterMode (the FLOP count), then --repeats timed
calls of which the best is kept; the model is built just before its stage with the memory
high-water mark reset (/proc/self/clear_refs), so `peak_mib` is that stage's peak, measured the
way sdfarm measures its own. Prints a table and, with --json, writes the file
`sdfarm bench engine --reference` (and `sdfarm bench unet --reference`) reads.

Needs: torch, diffusers, transformers.
Run:   python3 scripts/bench-reference.py --sizes 256,512 --vae-size 512 --threads 2 --json /tmp/engine-ref.json
"""
import argparse
import json
import platform
import re
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

SD15_UNET = dict(
    sample_size=64,
    in_channels=4,
    out_channels=4,
    block_out_channels=(320, 640, 1280, 1280),
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    layers_per_block=2,
    attention_head_dim=8,
    cross_attention_dim=768,
    norm_num_groups=32,
)
SD15_VAE = dict(
    in_channels=3, out_channels=3, latent_channels=4,
    down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
    block_out_channels=[128, 256, 512, 512], layers_per_block=2, norm_num_groups=32, sample_size=512,
)


def reset_peak():
    """Start the resident high-water mark again (Linux); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_mib():
    match = re.search(r"VmHWM:\s+(\d+)\s+kB", open("/proc/self/status").read())
    return int(match.group(1)) // 1024


def measure(call, repeats):
    with torch.inference_mode():
        with FlopCounterMode(display=False) as counter:  # also the warm-up call
            call()
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            call()
            best = min(best, time.perf_counter() - start)
    return best, counter.get_total_flops()


def token_row(words):
    """77 ids as CLIP's tokenizer makes them: start, `words` ids, end, end-padding."""
    row = [49406] + [320 + 7 * i for i in range(words)] + [49407]
    return row + [49407] * (77 - len(row))


def report(name, shape, seconds, flops, peak):
    print(f"{name:<13} {shape:<16} {flops / 1e9:7.1f}  {seconds:9.3f}  {flops / seconds / 1e9:7.1f}  {peak:8d}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="256,512", help="U-Net image sizes in pixels, comma-separated ('' skips)")
    parser.add_argument("--vae-size", type=int, default=512, help="VAE decode image size (0 skips)")
    parser.add_argument("--skip-text-encoder", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="timed calls after the warm-up; the best is kept")
    parser.add_argument("--json", help="write the results here for `sdfarm bench engine --reference`")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    result = dict(reference=f"PyTorch {torch.__version__} (diffusers/transformers, float32)", threads=args.threads,
                  machine=platform.processor() or platform.machine(), unet=[], vae=[])
    print(f"PyTorch {torch.__version__}, {args.threads} threads, random weights")
    print("stage         shape              GFLOP  PyTorch s  GFLOP/s  peak MiB")

    if not args.skip_text_encoder:
        from transformers import CLIPTextConfig, CLIPTextModel
        reset_peak()
        text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072,
                                            num_hidden_layers=12, num_attention_heads=12, max_position_embeddings=77,
                                            hidden_act="quick_gelu")).eval()
        ids = torch.tensor([token_row(10), token_row(0)])
        seconds, flops = measure(lambda: text(ids), args.repeats)
        result["text_encoder"] = dict(seconds=seconds, flops=flops, peak_mib=peak_mib())
        report("text encoder", "2 × 77 tokens", seconds, flops, result["text_encoder"]["peak_mib"])
        del text

    sizes = [int(s) for s in args.sizes.split(",") if s.strip() and s.strip() != "0"]
    if sizes:
        from diffusers import UNet2DConditionModel
        reset_peak()
        unet = UNet2DConditionModel(**SD15_UNET).eval()
        for size in sizes:
            latent = size // 8
            sample = torch.randn(2, 4, latent, latent)
            context = torch.randn(2, 77, 768)
            t = torch.tensor([999, 999])
            seconds, flops = measure(lambda: unet(sample, t, encoder_hidden_states=context), args.repeats)
            row = dict(size=size, latent=latent, seconds=seconds, flops=flops, peak_mib=peak_mib())
            result["unet"].append(row)
            report("U-Net step", f"{size}², batch 2", seconds, flops, row["peak_mib"])
        del unet

    if args.vae_size:
        from diffusers import AutoencoderKL
        reset_peak()
        vae = AutoencoderKL(**SD15_VAE).eval()
        latent = torch.randn(1, 4, args.vae_size // 8, args.vae_size // 8)
        seconds, flops = measure(lambda: vae.decode(latent), args.repeats)
        row = dict(size=args.vae_size, seconds=seconds, flops=flops, peak_mib=peak_mib())
        result["vae"].append(row)
        report("VAE decode", f"{args.vae_size}², batch 1", seconds, flops, row["peak_mib"])

    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
