#!/usr/bin/env python3
"""PyTorch's time for the SD 1.5 VAE decode at the shape `sdfarm bench vae` uses: diffusers'
AutoencoderKL with SD 1.5's configuration and random weights, float32 on the CPU.

    python3 scripts/bench-vae-reference.py [--size 512] [--threads 2] [--runs 2]
"""
import argparse
import time

import torch
from diffusers import AutoencoderKL


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
        block_out_channels=[128, 256, 512, 512], layers_per_block=2, norm_num_groups=32, sample_size=512,
    ).eval()
    latent = torch.randn(1, 4, args.size // 8, args.size // 8)
    with torch.no_grad():
        vae.decode(latent)  # warm-up
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            vae.decode(latent)
            times.append(time.perf_counter() - start)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, latent [1, 4, {args.size // 8}, {args.size // 8}]")
    print(f"decode: best {min(times):.2f} s, mean {sum(times) / len(times):.2f} s over {args.runs} runs")


if __name__ == "__main__":
    main()
