"""ONNX export of a trained RetinaNet in the engine's `torchvision-raw` layout, with its manifest
(src/shared/model/manifest.ts, schemaVersion 1) embedded in `metadata_props["dvt.manifest"]` and
written next to it as `model.json` (the same content).

The graph is training/reference's `RawHeads`: input `images` NCHW [N, 3, size, size] already
normalised, outputs `cls_logits` [N, A, C] and `bbox_regression` [N, A, 4], dynamic batch, opset 17.
The engine builds the input as (grey / 255 · 1 − mean[c]) / std[c] with the ImageNet mean/std RetinaNet
was trained with, channels z−1, z, z+1 (3-slice) or z, z, z (1-slice: the slice repeated, so both
forms keep the 3-channel ResNet stem; the manifest would allow 1 channel, which we do not use).
"""

from __future__ import annotations

import copy
import os
from typing import Dict, Optional

import torch
from torchvision.models.detection import RetinaNet

from . import GENERATOR
from .reference import rx

INPUT_NAME = "images"
OUTPUT_NAMES = ["cls_logits", "bbox_regression"]
CHANNELS = {"1slice": ["z", "z", "z"], "3slice": ["z-1", "z", "z+1"]}
WEIGHTS_TRAINED = "trained by dvt-training (see training-log.json / card.md next to the model)"


def build_manifest(
    name: str, backbone_label: str, description: str, form: str, classes, size: int, pixel_spacing_mm: float,
    window: Dict[str, float], mean=rx.IMAGENET_MEAN, std=rx.IMAGENET_STD, provenance: Optional[Dict] = None,
    anchor_sizes=tuple(rx.PYRAMID_SIZES),
) -> Dict:
    """training/reference's `make_manifest` (torchvision anchors with the given base sizes, torchvision box
    coding, default postprocess, default score threshold 0.1) with the patch set's classes, size, spacing
    and window."""
    m = rx.make_manifest(
        name, backbone_label, description, INPUT_NAME, "NCHW", 3 if form == "3slice" else 1, CHANNELS[form],
        1.0, mean, std,
        {"kind": "torchvision-raw", "classLogits": OUTPUT_NAMES[0], "boxRegression": OUTPUT_NAMES[1]},
        {**rx.TV_ANCHORS, "sizes": [int(x) for x in anchor_sizes]}, rx.TV_BOX_CODING,
        {"generator": GENERATOR, "weights": WEIGHTS_TRAINED, **(provenance or {})},
    )
    m["classNames"] = list(classes)
    m["input"]["size"] = int(size)
    m["input"]["pixelSpacingMm"] = float(pixel_spacing_mm)
    m["input"]["window"] = {"level": float(window["level"]), "width": float(window["width"])}
    return m


def export_model(model: RetinaNet, out_dir: str, manifest: Dict, file_name: str = "model.onnx") -> str:
    """Writes `model.onnx` (manifest embedded) and `model.json`; returns the ONNX path. The model is
    exported from a CPU copy in eval mode (BatchNorm folded with its running statistics)."""
    size = manifest["input"]["size"]
    cpu = copy.deepcopy(model).cpu().eval()
    raw = rx.RawHeads(cpu).eval()
    x = torch.zeros(2, 3, size, size)
    path = os.path.join(out_dir, file_name)
    rx.export_onnx(raw, x, path, INPUT_NAME, OUTPUT_NAMES, dynamic_batch=True)
    rx.compact_onnx_names(path)
    rx.embed_manifest(path, manifest)
    rx.write_json(os.path.join(out_dir, os.path.splitext(file_name)[0] + ".json"), manifest)
    return path
