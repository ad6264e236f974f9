#!/usr/bin/env python3
"""Reference fixtures for src/shared/preprocessing/resample.ts, computed by PyTorch.

Run with the system Python (Debian's torch + numpy):

    /usr/bin/python3 training/reference/make_resample_fixtures.py

Writes test/fixtures/preprocessing/resample_torch.json. Deterministic: a seeded HU image, fixed scales.

Which torch call: `F.interpolate(x, size=...)` derives the scale from in/out sizes, and
`F.interpolate(x, scale_factor=s, recompute_scale_factor=False)` uses s but takes floor(n * s) as
the output size. The app keeps the exact scale (spacing / target) and rounds the size, so we call
the op underneath both, `aten.upsample_bilinear2d(x, size, align_corners=False, scale_h, scale_w)`,
whose source coordinate is (dst + 0.5) / scale - 0.5 (clamped at 0). Where floor == round the
script checks that it equals `F.interpolate(scale_factor=..., recompute_scale_factor=False)`.
float64 keeps torch's own float32 rounding of the source coordinate out of the comparison.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

HEIGHT, WIDTH = 37, 29
TARGET_MM = 0.695
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "preprocessing", "resample_torch.json"
)

# (name, row spacing mm -> y scale, column spacing mm -> x scale)
CASES = [
    ("up-0.977", 0.977, 0.977),
    ("up-0.8", 0.8, 0.8),
    ("identity", TARGET_MM, TARGET_MM),
    ("anisotropic", 0.977, 0.6),
    ("down-0.4", 0.4, 0.4),
]


def hu_image() -> np.ndarray:
    rng = np.random.default_rng(20240611)
    img = rng.integers(-1024, 3001, size=(HEIGHT, WIDTH)).astype(np.int16)
    # Exact extremes and a flat air block, so clamping and constant regions are both exercised.
    img[0, 0] = -1024
    img[HEIGHT - 1, WIDTH - 1] = 3000
    img[10:16, 5:12] = -1024
    return img


def resampled_size(n: int, scale: float) -> int:
    # Math.round in JS: halves go up.
    return max(1, math.floor(n * scale + 0.5))


def main() -> None:
    img = hu_image()
    x = torch.from_numpy(img.astype(np.float64)).reshape(1, 1, HEIGHT, WIDTH)
    cases = []
    for name, row_mm, col_mm in CASES:
        sy, sx = row_mm / TARGET_MM, col_mm / TARGET_MM
        oh, ow = resampled_size(HEIGHT, sy), resampled_size(WIDTH, sx)
        y = torch.ops.aten.upsample_bilinear2d(x, [oh, ow], False, sy, sx)
        if math.floor(HEIGHT * sy) == oh and math.floor(WIDTH * sx) == ow:
            z = F.interpolate(x, scale_factor=(sy, sx), mode="bilinear", align_corners=False, recompute_scale_factor=False)
            assert torch.equal(y, z), name
        cases.append(
            {
                "name": name,
                "scaleX": sx,
                "scaleY": sy,
                "width": ow,
                "height": oh,
                "data": [round(float(v), 6) for v in y.reshape(-1).tolist()],
            }
        )
    doc = {
        "generator": "training/reference/make_resample_fixtures.py",
        "torch": torch.__version__,
        "op": "aten.upsample_bilinear2d(align_corners=False, scales_h, scales_w), float64",
        "width": WIDTH,
        "height": HEIGHT,
        "input": img.reshape(-1).tolist(),
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)}: " + ", ".join(f"{c['name']} {c['width']}x{c['height']}" for c in cases))


if __name__ == "__main__":
    main()
