"""Held-out evaluation of sdfarm-shapes with diffusers' StableDiffusionPipeline, scored by shapes.score."""
import json
import os
import random
import sys

import numpy as np
import torch
from PIL import Image

from . import data
from .score import score


def validate_scorer(n=400, seed=7):
    """Scorer accuracy on ground-truth renders (all triples, random size/position)."""
    rng = random.Random(seed)
    ok = {"background": 0, "colour": 0, "shape": 0}
    for _ in range(n):
        _, im, (c, s, b) = data.sample_item(rng, exclude=set())
        r = score(im)
        ok["background"] += r["background"] == b
        ok["colour"] += r["colour"] == c
        ok["shape"] += r["shape"] == s
    return {k: v / n for k, v in ok.items()}


def run(model_dir, out_dir, steps=25, cfg=6.0, per_caption=2, seed=0):
    from diffusers import DPMSolverMultistepScheduler, StableDiffusionPipeline
    torch.set_num_threads(1)  # 1 is much faster than 2 on a loaded 2-core machine
    os.makedirs(out_dir, exist_ok=True)
    pipe = StableDiffusionPipeline.from_pretrained(model_dir, torch_dtype=torch.float32, safety_checker=None,
                                                   requires_safety_checker=False)
    pipe.scheduler = DPMSolverMultistepScheduler.from_config(pipe.scheduler.config, use_karras_sigmas=True)
    pipe.set_progress_bar_config(disable=True)
    rows, tiles = [], []
    for i, (c, s, b) in enumerate(data.held_out_triples()):
        prompt = data.caption(c, s, b)
        g = torch.Generator().manual_seed(seed + i)
        out = pipe([prompt] * per_caption, height=64, width=64, num_inference_steps=steps, guidance_scale=cfg,
                   generator=g, output_type="np").images
        for k, im in enumerate(out):
            im8 = (np.clip(im, 0, 1) * 255).round().astype(np.uint8)
            tiles.append(im8)
            Image.fromarray(im8).save(os.path.join(out_dir, f"heldout-{i}-{k}.png"))
            r = score(im8)
            rows.append({"prompt": prompt, "want": [c, s, b], **r,
                         "colour_ok": r["colour"] == c and r["background"] == b, "shape_ok": r["shape"] == s})
    n = len(rows)
    summary = {
        "images": n, "steps": steps, "cfg": cfg, "scheduler": "DPMSolverMultistep karras",
        "background_acc": sum(r["background"] == r["want"][2] for r in rows) / n,
        "shape_colour_acc": sum(r["colour"] == r["want"][0] for r in rows) / n,
        "both_colours_acc": sum(r["colour_ok"] for r in rows) / n,
        "shape_acc": sum(r["shape_ok"] for r in rows) / n,
        "scorer_on_ground_truth": validate_scorer(),
    }
    with open(os.path.join(out_dir, "heldout-scores.json"), "w") as f:
        json.dump({"summary": summary, "rows": rows}, f, indent=1)
    cols = 8
    grid = np.zeros((64 * ((len(tiles) + cols - 1) // cols), 64 * cols, 3), np.uint8)
    for j, t in enumerate(tiles):
        grid[64 * (j // cols):64 * (j // cols + 1), 64 * (j % cols):64 * (j % cols + 1)] = t
    Image.fromarray(grid).save(os.path.join(out_dir, "heldout-grid.png"))
    print(json.dumps(summary, indent=1), flush=True)
    return summary


if __name__ == "__main__":
    sys.exit(0 if run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else os.path.join(sys.argv[1], "eval")) else 1)
