"""A small synthetic patch set in the exporter's format (src/shared/exchange/patchManifest.ts), for tests
and for trying the pipeline without a workspace:

    /usr/bin/python3 -m dvt_training.testing --out DIR [--patients 10] [--k 5] [--per-patient 6]
        [--encoding npy|png] [--inputs 1slice,3slice] [--seed 0]

Each patient has one series of `slices` 512×512 slices at 0.8 mm (so patches are resampled by
0.8 / 0.695). A slice holds two contrast-filled veins (180 HU) in muscle (50 HU) under fat (−100 HU),
drifting slowly along z; in positive patches vein 0 has a hypodense thrombus (30 HU) and the patch's
box is the thrombus's bounding box. Half of each patient's patches are positives, cut twice at different
offsets (each up to ±24 px, `jitterPx`) from the same slice (so test-fold predictions exercise the per-slice merge); the rest are
negatives (no boxes) centred on a vein. Coordinates follow the exporter's convention: a patch pixel
(u, v) lies at DICOM pixel ((u + origin.x) / scale.x, (v + origin.y) / scale.y).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from typing import Dict, List, Sequence

import numpy as np
import torch

from .patchset import window_grey

UID_ROOT = "1.2.826.0.1.3680043.8.498.7"
DICOM_SPACING_MM = 0.8
PATCH_SPACING_MM = 0.695
WINDOW = {"level": 140, "width": 400}
JITTER_PX = 24
HU = {"air": -1000.0, "fat": -100.0, "muscle": 50.0, "vein": 180.0, "thrombus": 30.0}


def _veins(rng: np.random.Generator, slices: int):
    """Per vein: centre (x, y) in DICOM pixels per slice, and radius (DICOM pixels)."""
    veins = []
    for _ in range(2):
        start = rng.uniform(180, 330, 2)
        drift = rng.normal(0, 0.6, 2)
        radius = rng.uniform(7, 11)
        veins.append((np.array([start + drift * z for z in range(slices)]), radius))
    return veins


def _thrombus(vein_radius: float):
    """Thrombus radius and its offset inside the vein (fixed per patient)."""
    return 0.5 * vein_radius, np.array([0.25 * vein_radius, -0.15 * vein_radius])


def render_hu(z: int, origin, scale, size: int, veins, thrombus, body_centre) -> np.ndarray:
    """HU [size, size] of slice z on the resampled grid at `origin` (pixel centres mapped to DICOM)."""
    u = (np.arange(size) + origin[0] + 0.5) / scale[0]
    v = (np.arange(size) + origin[1] + 0.5) / scale[1]
    xx, yy = np.meshgrid(u, v)
    body = ((xx - body_centre[0]) / 230) ** 2 + ((yy - body_centre[1]) / 200) ** 2
    img = np.where(body < 1.0, HU["fat"], HU["air"])
    img = np.where(body < 0.8, HU["muscle"], img)
    for k, (centres, r) in enumerate(veins):
        c = centres[z]
        d2 = (xx - c[0]) ** 2 + (yy - c[1]) ** 2
        img = np.where(d2 < r * r, HU["vein"], img)
        if k == 0 and thrombus is not None:
            tr, off = thrombus
            t = c + off
            img = np.where((xx - t[0]) ** 2 + (yy - t[1]) ** 2 < tr * tr, HU["thrombus"], img)
    # Seeded noise from the slice and origin, so both 3-slice neighbours and repeated cuts are reproducible.
    noise = np.random.default_rng([z, int(origin[0]) + 10_000, int(origin[1]) + 10_000]).normal(0, 12, img.shape)
    return (img + noise).astype(np.float32)


def _write_png(path: str, grey: np.ndarray) -> None:
    from torchvision.io import write_png

    write_png(torch.from_numpy(np.ascontiguousarray(grey)), path)


def make_patch_set(
    out: str, patients: int = 10, k: int = 5, per_patient: int = 6, encoding: str = "npy",
    inputs: Sequence[str] = ("1slice", "3slice"), seed: int = 0, slices: int = 24, size: int = 128,
) -> Dict:
    """Writes OUT/manifest.json and OUT/patches/<form>/<id>.<npy|png>; returns the manifest."""
    if patients < k:
        raise ValueError(f"{patients} patients cannot fill {k} folds")
    rng = np.random.default_rng(seed)
    for form in inputs:
        os.makedirs(os.path.join(out, "patches", form), exist_ok=True)
    s = DICOM_SPACING_MM / PATCH_SPACING_MM
    scale = {"x": s, "y": s}
    order = rng.permutation(patients)
    fold_of = {f"P{p:03d}": int(np.where(order == p)[0][0] % k) for p in range(patients)}
    entries: List[Dict] = []
    for p in range(patients):
        pid = f"P{p:03d}"
        series = f"{UID_ROOT}.{p + 1}"
        veins = _veins(rng, slices)
        thrombus = _thrombus(veins[0][1])
        body_centre = rng.uniform(246, 266, 2)
        n_pos = per_patient // 2
        plans = []  # (slice, positive); positive slices appear twice: two cuts
        pos_slices = rng.choice(np.arange(1, slices - 1), size=max(1, (n_pos + 1) // 2), replace=False)
        for i in range(n_pos):
            plans.append((int(pos_slices[i // 2]), True))
        for z in rng.choice(np.arange(slices), size=per_patient - n_pos, replace=False):
            plans.append((int(z), False))
        for j, (z, positive) in enumerate(plans):
            vein = int(rng.integers(0, 2)) if not positive else 0
            centre, r = veins[vein][0][z], veins[vein][1]
            if positive:
                t = centre + thrombus[1]
                box_d = [t[0] - thrombus[0], t[1] - thrombus[0], t[0] + thrombus[0], t[1] + thrombus[0]]
                centred = {"label": "DVT", "box": [float(v) for v in box_d]}
            else:
                box_v = [centre[0] - r, centre[1] - r, centre[0] + r, centre[1] + r]
                centred = {"label": "vein", "box": [float(v) for v in box_v]}
            jitter = rng.integers(-JITTER_PX, JITTER_PX + 1, 2)
            cx, cy = (centred["box"][0] + centred["box"][2]) / 2, (centred["box"][1] + centred["box"][3]) / 2
            origin = (int(round(cx * s)) - size // 2 + int(jitter[0]), int(round(cy * s)) - size // 2 + int(jitter[1]))
            boxes = []
            if positive:
                pb = [box_d[0] * s - origin[0], box_d[1] * s - origin[1], box_d[2] * s - origin[0], box_d[3] * s - origin[1]]
                pb = [float(min(max(v, 0.0), size)) for v in pb]
                boxes.append({"label": "DVT", "box": pb})
            neighbours = [max(z - 1, 0), z, min(z + 1, slices - 1)]
            th = thrombus if positive else None
            planes = [render_hu(zz, origin, (s, s), size, veins, th, body_centre)
                      for zz in neighbours]
            eid = f"{pid}-s{z:03d}-{j}"
            files = {}
            for form in inputs:
                hu = np.stack([planes[1]] if form == "1slice" else planes)
                if encoding == "npy":
                    rel = f"patches/{form}/{eid}.npy"
                    np.save(os.path.join(out, rel), hu.astype(np.float32))
                else:
                    rel = f"patches/{form}/{eid}.png"
                    _write_png(os.path.join(out, rel), window_grey(hu, WINDOW["level"], WINDOW["width"]))
                files[form] = rel
            entries.append({
                "id": eid, "patientId": pid, "fold": fold_of[pid], "seriesInstanceUid": series,
                "sopInstanceUid": f"{series}.{z + 1}", "sliceIndex": z, "sliceCount": slices,
                "channelSlices": neighbours, "centredOn": centred, "origin": {"x": origin[0], "y": origin[1]},
                "scale": dict(scale), "files": files, "boxes": boxes,
            })
    now = _dt.datetime.now(_dt.timezone.utc)
    manifest = {
        "format": "dvt-patch-set",
        "version": 1,
        "exportedAt": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "generator": "dvt_training.testing (synthetic)",
        "deidentified": True,
        "source": {"kind": "reference"},
        "classes": ["DVT"],
        "patch": {"size": size, "pixelSpacingMm": PATCH_SPACING_MM, "window": dict(WINDOW), "inputs": list(inputs),
                  "encoding": encoding, "minBoxFraction": 0.5, "jitterPx": JITTER_PX, "jitterSeed": seed,
                  # Not the exporter's stride: synthetic negatives are on random slices.
                  "veinSliceStride": 1},
        "folds": {"k": k, "seed": seed, "source": "export"},
        "patients": [{"id": pid, "fold": f} for pid, f in sorted(fold_of.items())],
        "patches": entries,
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dvt_training.testing", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--patients", type=int, default=10)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--per-patient", type=int, default=6)
    ap.add_argument("--encoding", choices=["npy", "png"], default="npy")
    ap.add_argument("--inputs", default="1slice,3slice")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    m = make_patch_set(args.out, args.patients, args.k, args.per_patient, args.encoding,
                       [s for s in args.inputs.split(",") if s], args.seed)
    print(f"{args.out}: {len(m['patches'])} patches of {len(m['patients'])} patients, k = {args.k}, {args.encoding}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
