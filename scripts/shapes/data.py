"""Seeded renderer for captioned 64x64 coloured-shape images (sdfarm-shapes training data)."""
import math
import random

import numpy as np
from PIL import Image, ImageDraw

SIZE = 64
COLOURS = {
    "red": (220, 30, 30), "green": (30, 170, 50), "blue": (30, 60, 220), "yellow": (240, 220, 30),
    "orange": (245, 140, 20), "purple": (140, 40, 170), "white": (245, 245, 245), "black": (15, 15, 15),
}
SHAPES = ["circle", "square", "triangle", "star"]
SIZES = {"small": (7, 9), "large": (19, 23), None: (11, 16)}
POSITIONS = {
    "top left": (16, 16), "top": (32, 16), "top right": (48, 16),
    "left": (16, 32), "center": (32, 32), "right": (48, 32),
    "bottom left": (16, 48), "bottom": (32, 48), "bottom right": (48, 48),
}
HELD_OUT_SEED = 1234
HELD_OUT_COUNT = 20


def all_triples():
    """Every (shape colour, shape, background colour) with colour != background: 8*4*7 = 224."""
    return [(c, s, b) for c in COLOURS for s in SHAPES for b in COLOURS if b != c]


def held_out_triples():
    """The fixed triples never shown in training (any size/position)."""
    rng = random.Random(HELD_OUT_SEED)
    return sorted(rng.sample(all_triples(), HELD_OUT_COUNT))


def caption(colour, shape, bg, size=None, pos=None):
    words = "a " + (size + " " if size else "") + colour + " " + shape
    if pos == "center":
        words += " in the center"
    elif pos:
        words += " at the " + pos
    return words + " on a " + bg + " background"


def render(colour, shape, bg, size=None, pos=None, rng=None):
    """Return a 64x64x3 uint8 array. rng (random.Random) jitters radius and free placement."""
    rng = rng or random.Random(0)
    lo, hi = SIZES[size]
    r = rng.uniform(lo, hi)
    if pos:
        cx, cy = POSITIONS[pos]
        cx += rng.uniform(-2, 2)
        cy += rng.uniform(-2, 2)
    else:
        cx, cy = rng.uniform(20, 44), rng.uniform(20, 44)
    margin = r + 1
    cx = min(max(cx, margin), SIZE - 1 - margin)
    cy = min(max(cy, margin), SIZE - 1 - margin)
    img = Image.new("RGB", (SIZE, SIZE), COLOURS[bg])
    d = ImageDraw.Draw(img)
    fill = COLOURS[colour]
    if shape == "circle":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif shape == "square":
        h = r * 0.85
        d.rectangle([cx - h, cy - h, cx + h, cy + h], fill=fill)
    elif shape == "triangle":
        pts = [(cx + r * math.cos(math.radians(a)), cy - r * math.sin(math.radians(a))) for a in (90, 210, 330)]
        d.polygon(pts, fill=fill)
    elif shape == "star":
        pts = []
        for k in range(10):
            a = math.radians(90 + 36 * k)
            rr = r if k % 2 == 0 else r * 0.42
            pts.append((cx + rr * math.cos(a), cy - rr * math.sin(a)))
        d.polygon(pts, fill=fill)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return np.asarray(img, dtype=np.uint8)


def sample_item(rng, exclude):
    """Draw one (caption, image, labels) with triple not in `exclude`."""
    while True:
        colour = rng.choice(list(COLOURS))
        bg = rng.choice([b for b in COLOURS if b != colour])
        shape = rng.choice(SHAPES)
        if (colour, shape, bg) not in exclude:
            break
    size = rng.choice(["small", "large", None, None])
    pos = rng.choice(list(POSITIONS) + [None] * 9)
    return caption(colour, shape, bg, size, pos), render(colour, shape, bg, size, pos, rng), (colour, shape, bg)


def make_dataset(n, seed, exclude):
    rng = random.Random(seed)
    caps, imgs, labels = [], [], []
    for _ in range(n):
        c, im, lab = sample_item(rng, exclude)
        caps.append(c)
        imgs.append(im)
        labels.append(lab)
    return caps, np.stack(imgs), labels
