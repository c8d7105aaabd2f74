#!/usr/bin/env python3
"""PyTorch's side of `sdfarm bench unet`: one step of diffusers' UNet2DConditionModel with the
SD 1.5 configuration and random weights (nothing downloaded), batch 2 (guidance: unconditional
+ conditional), 77-token contexts of width 768, float32 on the CPU, at the same image sizes and
thread count as the Swift benchmark. Prints seconds and GFLOP/s (FLOPs counted by torch's
FlopCounterMode) and, with --json, writes the file `sdfarm bench unet --reference` reads.

Needs: torch, diffusers.
Run:   python3 scripts/bench-reference.py --sizes 256,512 --threads 2 --json /tmp/unet-ref.json
"""
import argparse
import json
import platform
import time

import torch
from diffusers import UNet2DConditionModel
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="256,512", help="image sizes in pixels, comma-separated")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="timed calls after the warm-up; the best is kept")
    parser.add_argument("--json", help="write the results here for `sdfarm bench unet --reference`")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = UNet2DConditionModel(**SD15_UNET).eval()
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        latent = size // 8
        sample = torch.randn(2, 4, latent, latent)
        context = torch.randn(2, 77, 768)
        t = torch.tensor([999, 999])
        with torch.inference_mode():
            with FlopCounterMode(display=False) as counter:  # also the warm-up call
                model(sample, t, encoder_hidden_states=context)
            flops = counter.get_total_flops()
            best = float("inf")
            for _ in range(args.repeats):
                start = time.perf_counter()
                model(sample, t, encoder_hidden_states=context)
                best = min(best, time.perf_counter() - start)
        rows.append(dict(size=size, latent=latent, seconds=best, flops=flops))
        print(f"{size:5d}²  {latent:3d}×{latent:<3d}  {flops / 1e12:6.3f} TFLOP  {best:8.2f} s  {flops / best / 1e9:7.1f} GFLOP/s",
              flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(reference=f"torch {torch.__version__}, diffusers UNet2DConditionModel (SD 1.5 config), float32",
                           threads=args.threads, machine=platform.processor() or platform.machine(), unet=rows), f, indent=1)


if __name__ == "__main__":
    main()
