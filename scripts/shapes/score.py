"""Score a generated shape image: background colour, shape colour, shape class (algorithm in docs/small-model.md)."""
import numpy as np

from .data import COLOURS

PALETTE_NAMES = list(COLOURS)
PALETTE = np.array([COLOURS[n] for n in PALETTE_NAMES], dtype=np.float64)
DIFF_THRESHOLD = 80.0  # Euclidean RGB distance from the background colour that marks a shape pixel
MIN_AREA = 12          # fewer shape pixels than this: "none"


def nearest_colour(rgb):
    d = ((PALETTE - np.asarray(rgb, dtype=np.float64)) ** 2).sum(axis=1)
    return PALETTE_NAMES[int(np.argmin(d))]


def convex_hull_area(points):
    """Area of the convex hull of integer pixel corners (Andrew's monotone chain + shoelace)."""
    pts = sorted(set(map(tuple, points)))
    if len(pts) < 3:
        return 0.0

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = lower[:-1] + upper[:-1]
    x = np.array([p[0] for p in hull], dtype=np.float64)
    y = np.array([p[1] for p in hull], dtype=np.float64)
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def score(img):
    """img: HxWx3 uint8. Returns dict(background, colour, shape, area, extent, solidity)."""
    a = np.asarray(img, dtype=np.float64)
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    bg_rgb = np.median(border, axis=0)
    background = nearest_colour(bg_rgb)
    dist = np.sqrt(((a - PALETTE[PALETTE_NAMES.index(background)]) ** 2).sum(axis=2))
    mask = dist > DIFF_THRESHOLD
    area = int(mask.sum())
    if area < MIN_AREA:
        return {"background": background, "colour": None, "shape": None, "area": area, "extent": 0.0, "solidity": 0.0}
    colour = nearest_colour(np.median(a[mask], axis=0))
    ys, xs = np.nonzero(mask)
    extent = area / float((xs.max() - xs.min() + 1) * (ys.max() - ys.min() + 1))
    corners = np.concatenate([np.stack([xs + dx, ys + dy], 1) for dx in (0, 1) for dy in (0, 1)])
    hull = convex_hull_area(corners)
    solidity = area / hull if hull > 0 else 0.0
    if solidity < 0.75:
        shape = "star"
    elif extent > 0.9:
        shape = "square"
    elif extent > 0.65:
        shape = "circle"
    else:
        shape = "triangle"
    return {"background": background, "colour": colour, "shape": shape, "area": area,
            "extent": round(extent, 3), "solidity": round(solidity, 3)}
