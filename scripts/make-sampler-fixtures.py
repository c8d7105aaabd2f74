#!/usr/bin/env python3
"""Golden fixtures for sdfarm's samplers, noise schedules and random number generators.

Runs the real diffusers schedulers (DDIM, PNDM, Euler, Euler a, DPM++ 2M, LMS, Heun) from the
Stable Diffusion 1.5 scheduler config inside the real StableDiffusionPipeline (latents out, one
CPU generator per image), with a deterministic fake U-Net that the Swift tests implement
identically; records torch's CPU
randn; and records a NumPy re-implementation of A1111's Philox generator.

    python3 scripts/make-sampler-fixtures.py      # rewrites Tests/DiffusionTests/Fixtures/{samplers,rng}

Every file carries "format": FORMAT and "generator": this script's name; the Swift tests
refuse other formats with a hint to rerun this script.
"""
import json
import math
import os
import sys
import tempfile

import numpy as np
import torch
import diffusers
from diffusers import (StableDiffusionPipeline, UNet2DConditionModel, DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                       EulerDiscreteScheduler, HeunDiscreteScheduler, LMSDiscreteScheduler, PNDMScheduler)

FORMAT = "sdfarm-sampler-fixtures-1"
SCRIPT = "scripts/make-sampler-fixtures.py"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "DiffusionTests", "Fixtures")

# The SD 1.5 release's scheduler/scheduler_config.json, verbatim in content.
SD15_SCHEDULER_CONFIG = {
    "_class_name": "PNDMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "num_train_timesteps": 1000,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
    "clip_sample": False,
}

# Model folders whose scheduler config is not SD 1.5's: how StableDiffusionPipeline.from_pretrained
# fixes them up at load time, and what swapping samplers with from_config keeps of that.
FILE_CONFIGS = {
    "ddim-offset0-clip": {"_class_name": "DDIMScheduler", "beta_start": 0.00085, "beta_end": 0.012,
                          "beta_schedule": "scaled_linear", "steps_offset": 0, "clip_sample": True,
                          "skip_prk_steps": True},
    "pndm-no-offset": {"_class_name": "PNDMScheduler", "beta_start": 0.00085, "beta_end": 0.012,
                       "beta_schedule": "scaled_linear", "skip_prk_steps": True},
    "euler-trailing": {"_class_name": "EulerDiscreteScheduler", "beta_start": 0.00085, "beta_end": 0.012,
                       "beta_schedule": "scaled_linear", "timestep_spacing": "trailing", "steps_offset": 1,
                       "skip_prk_steps": True},
}

CLASSES = {
    "ddim": DDIMScheduler,
    "pndm": PNDMScheduler,
    "euler": EulerDiscreteScheduler,
    "euler_a": EulerAncestralDiscreteScheduler,
    "dpmpp_2m": DPMSolverMultistepScheduler,
    "lms": LMSDiscreteScheduler,
    "heun": HeunDiscreteScheduler,
}
KARRAS = ["euler", "dpmpp_2m", "lms", "heun"]


def base_scheduler():
    """The pipeline's scheduler as StableDiffusionPipeline.from_pretrained loads it."""
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "scheduler_config.json"), "w") as f:
        json.dump(SD15_SCHEDULER_CONFIG, f)
    return PNDMScheduler.from_pretrained(folder)


def make_scheduler(base, name, schedule, spacing, config="sd15"):
    """What a diffusers user gets with `Class.from_config(pipe.scheduler.config, ...)`.
    config "class-defaults": the class constructed with its own defaults (PNDM with
    skip_prk_steps); "cosine": the SD config with beta_schedule squaredcos_cap_v2."""
    kwargs = {}
    if schedule == "karras":
        kwargs["use_karras_sigmas"] = True
    if spacing is not None:
        kwargs["timestep_spacing"] = spacing
    if config == "class-defaults":
        if name == "pndm":
            kwargs["skip_prk_steps"] = True
        return CLASSES[name](**kwargs)
    if config == "cosine":
        kwargs["beta_schedule"] = "squaredcos_cap_v2"
    return CLASSES[name].from_config(base.config, **kwargs)


def fake_model(x, t):
    """eps = 0.5·tanh(x) + k_c with k_c = float32(t/1000·0.02·(c+1) − 0.03), all float32.
    Mirrored by FakeDenoiser in Tests/DiffusionTests/SamplerFixtureSupport.swift."""
    t = float(t)
    k = torch.tensor([t / 1000.0 * 0.02 * (c + 1) - 0.03 for c in range(x.shape[1])], dtype=torch.float32)
    return 0.5 * torch.tanh(x) + k.view(1, -1, 1, 1)


def floats(tensor):
    return [float(v) for v in torch.as_tensor(tensor).detach().reshape(-1).to(torch.float64).tolist()]


def run_case(base, name, schedule, spacing, steps, seeds, height, width, config="sd15"):
    try:
        return run_case_or_fail(base, name, schedule, spacing, steps, seeds, height, width, config)
    except IndexError as error:  # e.g. DPM++ with a repeated first timestep overruns its sigmas
        return {"sampler": name, "config": config, "schedule": schedule, "spacing": spacing, "steps": steps,
                "seeds": seeds, "shape": [len(seeds), 4, height, width], "error": f"IndexError: {error}"}


class FakeUNet:
    """A tiny UNet2DConditionModel whose forward is replaced by fake_model: the pipeline sees
    a real U-Net (config, dtype, device) and gets the fake ε. Records every call's timestep."""

    def __init__(self):
        self.module = UNet2DConditionModel(
            sample_size=8, in_channels=4, out_channels=4, block_out_channels=(8,), layers_per_block=1,
            down_block_types=("DownBlock2D",), up_block_types=("UpBlock2D",), cross_attention_dim=8,
            norm_num_groups=4)
        self.calls = []

        def forward(sample, timestep, encoder_hidden_states=None, **kwargs):
            self.calls.append(float(timestep))
            return (fake_model(sample, timestep),)

        self.module.forward = forward


def load_file_config(name):
    """The scheduler StableDiffusionPipeline.from_pretrained would load from a folder with this
    scheduler_config.json (from_pretrained loads the component, then runs __init__)."""
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "scheduler_config.json"), "w") as f:
        json.dump(FILE_CONFIGS[name], f)
    loaded = getattr(diffusers, FILE_CONFIGS[name]["_class_name"]).from_pretrained(folder)
    holder = StableDiffusionPipeline(
        vae=None, text_encoder=None, tokenizer=None, unet=FakeUNet().module, scheduler=loaded,
        safety_checker=None, feature_extractor=None, image_encoder=None, requires_safety_checker=False)
    return holder.scheduler


def run_case_or_fail(base, name, schedule, spacing, steps, seeds, height, width, config):
    """One txt2img run of the real StableDiffusionPipeline (no guidance, latents out), with one
    CPU generator per image, as sdfarm runs it."""
    if config.startswith("file:"):
        loaded = load_file_config(config[5:])
        if type(loaded) is CLASSES[name] and schedule == "default" and spacing is None:
            scheduler = loaded  # used as loaded, no from_config
        else:
            scheduler = make_scheduler(loaded, name, schedule, spacing)
    else:
        scheduler = make_scheduler(base, name, schedule, spacing, config)
    unet = FakeUNet()
    # Built with the SD 1.5 scheduler, then swapped, as users swap samplers. (A scheduler given
    # to the constructor would get steps_offset 1 and clip_sample False forced on it.)
    pipe = StableDiffusionPipeline(
        vae=None, text_encoder=None, tokenizer=None, unet=unet.module, scheduler=base,
        safety_checker=None, feature_extractor=None, image_encoder=None, requires_safety_checker=False)
    pipe.scheduler = scheduler
    pipe.set_progress_bar_config(disable=True)
    generators = [torch.Generator("cpu").manual_seed(s) for s in seeds]
    embeddings = torch.zeros(len(seeds), 77, 8)
    latents = pipe(
        prompt_embeds=embeddings, negative_prompt_embeds=embeddings, height=8 * height, width=8 * width,
        num_inference_steps=steps, guidance_scale=1.0, generator=generators, output_type="latent",
        return_dict=False)[0]
    shape = (len(seeds), 4, height, width)
    assert tuple(latents.shape) == shape, latents.shape
    case = {
        "sampler": name,
        "config": config,
        "schedule": schedule,
        "spacing": spacing,  # null: the class default, as from_config resolves it
        "resolved_spacing": scheduler.config.timestep_spacing,
        "steps": steps,
        "seeds": seeds,
        "shape": list(shape),
        "timesteps": unet.calls,
        "sigmas": floats(scheduler.sigmas) if name not in ("ddim", "pndm") else [],
        "init_noise_sigma": float(scheduler.init_noise_sigma),
        "latents": floats(latents),
    }
    return case


def schedule_only(base, name, schedule, spacing, steps):
    try:
        scheduler = make_scheduler(base, name, schedule, spacing)
        scheduler.set_timesteps(steps)
    except Exception as error:  # the Swift side must refuse these too
        return {"sampler": name, "schedule": schedule, "spacing": spacing, "steps": steps, "error": str(error)}
    return {
        "sampler": name,
        "schedule": schedule,
        "spacing": spacing,
        "steps": steps,
        "timesteps": floats(scheduler.timesteps),
        "sigmas": floats(scheduler.sigmas) if name not in ("ddim", "pndm") else [],
        "init_noise_sigma": float(scheduler.init_noise_sigma),
    }


def fnv1a64(text):
    """FNV-1a, 64 bit, of the UTF-8 text (mirrored in SamplerScheduleTests.swift)."""
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def timestep_digest(name, timesteps):
    """Integer samplers: the decimal timesteps; float ones: their float32 bit patterns."""
    if name in ("ddim", "pndm", "dpmpp_2m"):
        return ",".join(str(int(t)) for t in timesteps.tolist())
    return ",".join(str(int(v)) for v in timesteps.numpy().astype(np.float32).view(np.uint32))


def timestep_sweep(base):
    """Every N from 1 to 300: a digest of the timesteps, to catch rare rounding differences."""
    cases = []
    configs = [(name, "default") for name in CLASSES] + [("dpmpp_2m", "karras")]
    for name, schedule in configs:
        for spacing in ["leading", "linspace", "trailing"]:
            digests = []
            for steps in range(1, 301):
                scheduler = make_scheduler(base, name, schedule, spacing)
                scheduler.set_timesteps(steps)
                t = scheduler.timesteps
                out_of_range = name in ("ddim", "pndm") and bool(((t < 0) | (t >= 1000)).any())
                digests.append("refused" if out_of_range else fnv1a64(timestep_digest(name, t)))
            cases.append({"sampler": name, "schedule": schedule, "spacing": spacing, "digests": digests})
    return cases


def write_json(path, payload):
    payload = {"format": FORMAT, "generator": SCRIPT, "diffusers": diffusers.__version__, "torch": torch.__version__, **payload}
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"))
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def sampler_fixtures():
    base = base_scheduler()
    # The training tables every scheduler starts from.
    ddim = DDIMScheduler.from_config(base.config)
    euler = EulerDiscreteScheduler.from_config(base.config)
    write_json(os.path.join(ROOT, "samplers", "training-schedule.json"), {
        "alphas_cumprod": floats(ddim.alphas_cumprod),
        "sigmas": floats(((1 - euler.alphas_cumprod) / euler.alphas_cumprod) ** 0.5),
    })

    cases = []
    for name in CLASSES:
        for schedule in ["default"] + (["karras"] if name in KARRAS else []):
            for spacing in [None, "leading", "linspace", "trailing"]:
                for steps in ([10] if spacing is None else [7, 10]):
                    cases.append(run_case(base, name, schedule, spacing, steps, [1234], 8, 8))
    cases.append(run_case(base, "dpmpp_2m", "karras", None, 25, [7], 8, 8))
    cases.append(run_case(base, "euler_a", "default", None, 10, [42, 43], 8, 8))
    cases.append(run_case(base, "euler_a", "default", "leading", 7, [2**32 + 5, 2**32 + 6], 4, 6))
    cases.append(run_case(base, "dpmpp_2m", "default", None, 10, [42, 43], 6, 4))
    # Keys a config leaves out take each class's own defaults (DDIM: clip_sample and
    # set_alpha_to_one true, linear betas; Heun: linear 0.00085…0.012), and the cosine schedule.
    for name in CLASSES:
        cases.append(run_case(base, name, "default", None, 10, [5], 4, 4, config="class-defaults"))
    for name in KARRAS:
        cases.append(run_case(base, name, "karras", None, 10, [5], 4, 4, config="class-defaults"))
    for name in CLASSES:
        cases.append(run_case(base, name, "default", None, 7, [6], 4, 4, config="cosine"))
    for name in KARRAS:
        cases.append(run_case(base, name, "karras", None, 7, [6], 4, 4, config="cosine"))
    for file_config in FILE_CONFIGS:
        for name in CLASSES:
            cases.append(run_case(base, name, "default", None, 10, [8], 4, 4, config="file:" + file_config))
    cases.append(run_case(base, "euler", "karras", None, 10, [8], 4, 4, config="file:euler-trailing"))
    cases.append(run_case(base, "ddim", "default", "trailing", 10, [8], 4, 4, config="file:ddim-offset0-clip"))
    write_json(os.path.join(ROOT, "samplers", "runs.json"), {
        "model": "eps = 0.5*tanh(x) + float32(t/1000*0.02*(c+1) - 0.03)",
        "file_configs": FILE_CONFIGS,
        "cases": cases,
    })

    schedules = []
    for name in CLASSES:
        for schedule in ["default"] + (["karras"] if name in KARRAS else []):
            for spacing in [None, "leading", "linspace", "trailing"]:
                for steps in [1, 2, 3, 5, 7, 10, 16, 25, 33, 61]:
                    schedules.append(schedule_only(base, name, schedule, spacing, steps))
    write_json(os.path.join(ROOT, "samplers", "schedules.json"), {"cases": schedules})
    write_json(os.path.join(ROOT, "samplers", "timestep-sweep.json"), {
        "digest": "FNV-1a 64 of the timesteps joined by ',' (integers; float32 bit patterns for float timesteps)",
        "cases": timestep_sweep(base),
    })


# --- A1111's Philox "NV" generator, re-implemented from its published algorithm -------------
PHILOX_M = (0xD2511F53, 0xCD9E8D57)
PHILOX_W = (0x9E3779B9, 0xBB67AE85)
INV_2_32 = np.float32(2.3283064e-10)               # A1111's float32 constants
INV_2_32_2PI = np.float32(2.3283064e-10 * 6.2831855)


def philox_randn(seed, offset, n):
    """Draw number `offset` of a Philox generator seeded `seed`: n values."""
    mask = np.uint64(0xFFFFFFFF)
    c0 = np.full(n, offset, dtype=np.uint64)
    c1 = np.zeros(n, dtype=np.uint64)
    c2 = np.arange(n, dtype=np.uint64)
    c3 = np.zeros(n, dtype=np.uint64)
    k0 = np.uint64(seed & 0xFFFFFFFF)
    k1 = np.uint64(seed >> 32)
    for round_index in range(10):
        if round_index:
            k0 = (k0 + np.uint64(PHILOX_W[0])) & mask
            k1 = (k1 + np.uint64(PHILOX_W[1])) & mask
        p0 = c0 * np.uint64(PHILOX_M[0])
        p1 = c2 * np.uint64(PHILOX_M[1])
        c0, c1, c2, c3 = ((p1 >> np.uint64(32)) ^ c1 ^ k0, p1 & mask, (p0 >> np.uint64(32)) ^ c3 ^ k1, p0 & mask)
    u = c0.astype(np.float64) * np.float64(INV_2_32) + np.float64(INV_2_32 / 2)
    v = c1.astype(np.float64) * np.float64(INV_2_32_2PI) + np.float64(INV_2_32_2PI / 2)
    return (np.sqrt(-2.0 * np.log(u)) * np.sin(v)).astype(np.float32)


def check_philox_against_a1111():
    # The example output printed in A1111's modules/rng_philox.py for Generator(seed=0).randn((3, 4)).
    published = [-0.92466259, -0.42534415, -2.6438457, 0.14518388, -0.12086647, -0.57972564,
                  -0.62285122, -0.32838709, -1.07454231, -0.36314407, -1.67105067, 2.26550497]
    ours = philox_randn(0, 0, 12)
    # The printed digits differ from today's NumPy arithmetic by up to 2.4e-7.
    assert np.abs(ours - np.array(published)).max() <= 1e-6, (ours, published)


def write_npy(path, array):
    np.save(path, array.astype("<f4"))
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def rng_fixtures():
    torch_cases = []
    seeds = [0, 1, 42, 2**32 + 7, 2**63 + 11, 2**64 - 1]
    sizes = [1, 2, 3, 4, 15, 16, 17, 31, 32, 33, 100, 256, 1000]
    for seed in seeds:
        for n in sizes:
            values = torch.randn(n, generator=torch.Generator("cpu").manual_seed(seed))
            torch_cases.append({"seed": str(seed), "draws": [n], "values": [floats(values)]})
    # Successive draws from one generator, as ancestral samplers make them (small draws use and
    # refill torch's cached second Box–Muller value).
    for seed, draws in [(1234, [256, 256, 17, 3, 3, 1, 16]), (2**32 + 5, [3, 16, 5, 100, 1])]:
        generator = torch.Generator("cpu").manual_seed(seed)
        values = [floats(torch.randn(n, generator=generator)) for n in draws]
        torch_cases.append({"seed": str(seed), "draws": draws, "values": values})
    write_json(os.path.join(ROOT, "rng", "torch-randn.json"), {"cases": torch_cases})
    for seed in [0, 2**32 + 7]:
        values = torch.randn((1, 4, 64, 64), generator=torch.Generator("cpu").manual_seed(seed))
        write_npy(os.path.join(ROOT, "rng", f"torch-randn-seed{seed}-1x4x64x64.npy"), values.numpy())

    check_philox_against_a1111()
    philox_cases = []
    for seed in [0, 1, 42, 2**32 + 7, 2**64 - 1]:
        for n in [1, 5, 12, 16, 100, 256]:
            philox_cases.append({"seed": str(seed), "draws": [n], "values": [floats(torch.from_numpy(philox_randn(seed, 0, n)))]})
    draws = [256, 256, 7]
    philox_cases.append({"seed": "99", "draws": draws,
                         "values": [floats(torch.from_numpy(philox_randn(99, k, n))) for k, n in enumerate(draws)]})
    write_json(os.path.join(ROOT, "rng", "philox-randn.json"), {
        "reference": "NumPy re-implementation of A1111 modules/rng_philox.py (checked against its published example)",
        "cases": philox_cases,
    })


if __name__ == "__main__":
    torch.set_num_threads(1)
    sampler_fixtures()
    rng_fixtures()
