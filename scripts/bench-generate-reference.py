#!/usr/bin/env python3
"""PyTorch/diffusers' side of scripts/bench: whole txt2img runs of StableDiffusionPipeline.

    bench-generate-reference.py make-model DIR      a full-size SD 1.5-shaped diffusers folder with
                                                    random weights (seeded; nothing downloaded;
                                                    F16 on disk, ~2.1 GB; skipped if DIR exists)
    bench-generate-reference.py run --model DIR --width W --height H --steps N --batch B \\
        --threads T [--sampler dpmpp_2m --karras] --json OUT
                                                    one timed generate (text encoding, denoising,
                                                    VAE decode, PNG), after loading; float32 on CPU
    bench-generate-reference.py table RESULTS...    the side-by-side table scripts/bench prints

Needs: torch, diffusers, transformers, safetensors. The tokenizer of the random model is CLIP's
(built from the vocabulary sdfarm bundles, as scripts/make-tokenizer-fixtures.py builds it).
"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def make_model(folder):
    if os.path.exists(os.path.join(folder, "model_index.json")):
        print(f"{folder}: exists, kept")
        return
    import torch
    import diffusers
    from diffusers import AutoencoderKL, PNDMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel
    sys.path.insert(0, HERE)
    spec = importlib.util.spec_from_file_location("tok", os.path.join(HERE, "make-tokenizer-fixtures.py"))
    tok = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tok)
    bench = importlib.util.spec_from_file_location("bench_ref", os.path.join(HERE, "bench-reference.py"))
    bench_ref = importlib.util.module_from_spec(bench)
    bench.loader.exec_module(bench_ref)

    start = time.perf_counter()
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "tokenizer"))
    vocab, merges = tok.clip_vocab(48894)
    tok.write_folder(os.path.join(tmp, "tokenizer"), vocab, merges)
    torch.manual_seed(0)
    text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                        num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu",
                                        projection_dim=768, bos_token_id=49406, eos_token_id=49407, pad_token_id=49407))
    text.half().save_pretrained(os.path.join(tmp, "text_encoder"), safe_serialization=True)
    del text
    unet = UNet2DConditionModel(**bench_ref.SD15_UNET)
    unet.half().save_pretrained(os.path.join(tmp, "unet"), safe_serialization=True)
    del unet
    vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=[128, 256, 512, 512],
                        down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
                        layers_per_block=2, norm_num_groups=32, sample_size=512, scaling_factor=0.18215)
    vae.half().save_pretrained(os.path.join(tmp, "vae"), safe_serialization=True)
    PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                  set_alpha_to_one=False, skip_prk_steps=True, steps_offset=1).save_pretrained(os.path.join(tmp, "scheduler"))
    with open(os.path.join(tmp, "model_index.json"), "w") as f:
        json.dump({"_class_name": "StableDiffusionPipeline", "_diffusers_version": diffusers.__version__,
                   "text_encoder": ["transformers", "CLIPTextModel"], "vae": ["diffusers", "AutoencoderKL"],
                   "unet": ["diffusers", "UNet2DConditionModel"], "scheduler": ["diffusers", "PNDMScheduler"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "safety_checker": [None, None],
                   "feature_extractor": [None, None], "requires_safety_checker": False}, f, indent=2)
    os.rename(tmp, folder)
    print(f"{folder}: written in {time.perf_counter() - start:.0f} s")


def run(args):
    import torch
    from diffusers import DPMSolverMultistepScheduler, StableDiffusionPipeline
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    pipe = StableDiffusionPipeline.from_pretrained(args.model, torch_dtype=torch.float32, safety_checker=None,
                                                   feature_extractor=None, requires_safety_checker=False)
    pipe.scheduler = DPMSolverMultistepScheduler.from_config(pipe.scheduler.config, use_karras_sigmas=args.karras)
    pipe.set_progress_bar_config(disable=True)
    load = time.perf_counter() - start
    generators = [torch.Generator("cpu").manual_seed(args.seed + i) for i in range(args.batch)]
    start = time.perf_counter()
    with torch.inference_mode():
        images = pipe(args.prompt, num_inference_steps=args.steps, guidance_scale=args.cfg, width=args.width,
                      height=args.height, num_images_per_prompt=args.batch, generator=generators).images
    for i, image in enumerate(images):
        image.save(f"{args.out_prefix}-{i}.png")
    seconds = time.perf_counter() - start
    result = {"load": load, "generate": seconds, "width": args.width, "height": args.height, "steps": args.steps,
              "batch": args.batch, "threads": args.threads}
    print(f"diffusers: loaded in {load:.1f} s; {args.batch} image(s) {args.width}x{args.height}, {args.steps} steps in {seconds:.1f} s")
    with open(args.json, "w") as f:
        json.dump(result, f)


def table(paths):
    """Each RESULT is LABEL=SWIFT_LOG,REFERENCE_JSON; the Swift log is `sdfarm generate`'s output."""
    print(f"| run | sdfarm load | PyTorch load | sdfarm generate | PyTorch generate | sdfarm / PyTorch |")
    print(f"| --- | --- | --- | --- | --- | --- |")
    for entry in paths:
        label, files = entry.split("=", 1)
        swift_log, ref_json = files.split(",")
        text = open(swift_log).read()
        load = float(re.search(r"loaded in ([0-9.]+) s", text).group(1))
        generate = float(re.search(r"image\(s\) \d+x\d+ in ([0-9.]+) s", text).group(1))
        ref = json.load(open(ref_json))
        print(f"| {label} | {load:.1f} s | {ref['load']:.1f} s | **{generate:.1f} s** | {ref['generate']:.1f} s | "
              f"{generate / ref['generate']:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("make-model")
    make.add_argument("folder")
    r = sub.add_parser("run")
    r.add_argument("--model", required=True)
    r.add_argument("--prompt", default="a red circle on a blue background")
    r.add_argument("--width", type=int, required=True)
    r.add_argument("--height", type=int, required=True)
    r.add_argument("--steps", type=int, default=4)
    r.add_argument("--batch", type=int, default=1)
    r.add_argument("--cfg", type=float, default=7.0)
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--karras", action="store_true")
    r.add_argument("--out-prefix", default="/tmp/sdfarm-bench-ref")
    r.add_argument("--json", required=True)
    t = sub.add_parser("table")
    t.add_argument("results", nargs="+")
    args = parser.parse_args()
    if args.command == "make-model":
        make_model(args.folder)
    elif args.command == "run":
        run(args)
    else:
        table(args.results)


if __name__ == "__main__":
    main()
