"""Patches in memory and the batches a step trains on.

All patches of a split are decoded once into a uint8 tensor (the paper's 6965 3-slice patches are
about 340 MB). A batch becomes the model's input as grey / 255 in three channels: a 3-slice patch
gives z−1, z, z+1; a 1-slice patch repeats z into all three (manifest channels ['z', 'z', 'z']), so both
forms keep the ImageNet-style 3-channel ResNet stem. The per-channel mean/std normalisation happens in
the model (RetinaNet's image_mean / image_std, the same numbers the manifest gives the engine).

Augmentation (training batches only, seeded per epoch):
- horizontal flip, p = 0.5 per patch (boxes mirrored: x1' = W − x2). Left and right legs are mirror
  images for this task, so a flipped patch is a plausible patch.
- optional translation by up to `max_shift` pixels in x and y (default 0: the exporter already cuts
  each patch up to `patch.jitterPx` pixels off its box's centre, the paper's "randomly extracted" patches). Uncovered
  pixels are 0 (black under the window, like air); a box keeps at least `minBoxFraction` of its area
  inside the patch or is dropped, the exporter's own rule.
No intensity or vertical-flip augmentation: the window is fixed by the paper and anterior/posterior
anatomy is not symmetric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional

import numpy as np
import torch

from .patchset import PatchSet, patch_targets, read_patch


@dataclass
class PatchTensors:
    entries: List[Dict]
    #: uint8 [N, C, H, W], C = 1 (1-slice) or 3 (3-slice: z−1, z, z+1)
    grey: torch.Tensor
    boxes: List[torch.Tensor]
    labels: List[torch.Tensor]

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def positives(self) -> int:
        return sum(1 for b in self.boxes if b.shape[0] > 0)


def load_patches(ps: PatchSet, entries: List[Dict], form: str) -> PatchTensors:
    channels = 1 if form == "1slice" else 3
    grey = torch.empty((len(entries), channels, ps.size, ps.size), dtype=torch.uint8)
    boxes, labels = [], []
    for i, e in enumerate(entries):
        grey[i] = torch.from_numpy(read_patch(ps, e, form))
        b, l = patch_targets(ps, e)
        boxes.append(torch.from_numpy(b))
        labels.append(torch.from_numpy(l))
    return PatchTensors(entries, grey, boxes, labels)


def model_images(grey: torch.Tensor) -> torch.Tensor:
    """uint8 [B, C, H, W] → float32 [B, 3, H, W] = grey / 255 (1-slice: z repeated into 3 channels)."""
    x = grey.to(torch.float32) / 255.0
    return x.expand(-1, 3, -1, -1).contiguous() if x.shape[1] == 1 else x


def batch_order(n: int, batch: int, rng: Optional[np.random.Generator]) -> Iterator[np.ndarray]:
    """Index batches: shuffled when `rng` is given, else in order. The last batch may be smaller."""
    order = rng.permutation(n) if rng is not None else np.arange(n)
    for start in range(0, n, batch):
        yield order[start : start + batch]


@dataclass(frozen=True)
class Augment:
    flip: bool = True
    max_shift: int = 0
    min_box_fraction: float = 0.5

    def describe(self) -> str:
        parts = ["horizontal flip p=0.5"] if self.flip else []
        if self.max_shift > 0:
            parts.append(f"translation ≤ {self.max_shift} px (boxes kept when ≥ {self.min_box_fraction:g} inside)")
        return ", ".join(parts) or "none"


def _shift(img: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    out = torch.zeros_like(img)
    h, w = img.shape[-2:]
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[..., yd, xd] = img[..., ys, xs]
    return out


def make_batch(data: PatchTensors, idx: np.ndarray, augment: Optional[Augment], rng: Optional[np.random.Generator]):
    """(images float32 [B, 3, H, W] in 0…1, targets [{boxes, labels}]) for the patches `idx`."""
    grey = data.grey[torch.from_numpy(np.asarray(idx, dtype=np.int64))].clone()
    size = grey.shape[-1]
    targets = []
    for j, i in enumerate(idx):
        boxes, labels = data.boxes[i].clone(), data.labels[i].clone()
        if augment is not None and rng is not None:
            if augment.flip and rng.random() < 0.5:
                grey[j] = torch.flip(grey[j], dims=[-1])
                boxes = torch.stack([size - boxes[:, 2], boxes[:, 1], size - boxes[:, 0], boxes[:, 3]], 1)
            if augment.max_shift > 0:
                dx, dy = (int(v) for v in rng.integers(-augment.max_shift, augment.max_shift + 1, 2))
                grey[j] = _shift(grey[j], dx, dy)
                area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
                moved = boxes + torch.tensor([dx, dy, dx, dy], dtype=boxes.dtype)
                clipped = moved.clamp(0, size)
                inside = (clipped[:, 2] - clipped[:, 0]).clamp(min=0) * (clipped[:, 3] - clipped[:, 1]).clamp(min=0)
                keep = (inside > 0) & (inside >= augment.min_box_fraction * area)
                boxes, labels = clipped[keep], labels[keep]
        targets.append({"boxes": boxes.reshape(-1, 4), "labels": labels})
    return model_images(grey), targets
