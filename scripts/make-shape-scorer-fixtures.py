#!/usr/bin/env python3
"""Write Tests/DiffusionTests/Fixtures/shapes/: a few 64x64 PNGs and what scripts/shapes/score.py says about them.

The Swift ShapeScorer (Sources/Diffusion/Evaluation) must agree: ShapeScorerTests reads expected.json.
Images: ground-truth renders of every shape (scripts/shapes/data.py, fixed seeds), two of them
blurred and noised (so medians, the mask edge and the hull are not trivial, like generated
images), a thin diagonal bar, and a plain background (no shape).
Usage: python3 scripts/make-shape-scorer-fixtures.py
"""
import json
import os
import random
import sys

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shapes import data  # noqa: E402
from shapes.score import score  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests/DiffusionTests/Fixtures/shapes")

CASES = [  # name, colour, shape, background, size, position, degrade
    ("red-circle-on-blue", "red", "circle", "blue", None, None, False),
    ("small-yellow-triangle-top-left-on-black", "yellow", "triangle", "black", "small", "top left", False),
    ("large-white-square-on-purple", "white", "square", "purple", "large", "center", False),
    ("orange-star-bottom-right-on-green", "orange", "star", "green", None, "bottom right", False),
    ("small-black-star-on-white", "black", "star", "white", "small", None, False),
    ("blurred-green-triangle-on-orange", "green", "triangle", "orange", "large", None, True),
    ("blurred-purple-star-on-yellow", "purple", "star", "yellow", None, "left", True),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    for i, (name, c, s, b, size, pos, degrade) in enumerate(CASES):
        im = data.render(c, s, b, size, pos, random.Random(100 + i))
        if degrade:
            rng = np.random.default_rng(i)
            blurred = np.asarray(Image.fromarray(im).filter(ImageFilter.GaussianBlur(1.2)), dtype=np.float64)
            im = np.clip(blurred + rng.normal(0, 12, blurred.shape), 0, 255).round().astype(np.uint8)
        expected[name] = {"want": [c, s, b], **score(im)}
        Image.fromarray(im).save(os.path.join(OUT, name + ".png"), optimize=True)
    bar = Image.new("RGB", (64, 64), data.COLOURS["black"])
    bar_draw = __import__("PIL.ImageDraw", fromlist=["ImageDraw"]).Draw(bar)
    bar_draw.line([(8, 50), (55, 12)], fill=data.COLOURS["white"], width=3)
    bar = np.asarray(bar, dtype=np.uint8)
    expected["thin-white-bar-on-black"] = {"want": ["white", None, "black"], **score(bar)}
    Image.fromarray(bar).save(os.path.join(OUT, "thin-white-bar-on-black.png"), optimize=True)
    plain = np.zeros((64, 64, 3), np.uint8) + np.array(data.COLOURS["blue"], np.uint8)
    plain[30:32, 30:35] = data.COLOURS["yellow"]  # 10 px: fewer than the scorer's 12
    expected["blue-with-ten-yellow-pixels"] = {"want": [None, None, "blue"], **score(plain)}
    Image.fromarray(plain).save(os.path.join(OUT, "blue-with-ten-yellow-pixels.png"), optimize=True)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
    for k, v in expected.items():
        print(k, v)


if __name__ == "__main__":
    main()
