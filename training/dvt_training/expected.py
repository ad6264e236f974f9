"""PyTorch's outputs of a trained model on a few of its own patches, in the "expected outputs" format of
training/reference/README.md (`dvt-reference-expected/1` + an input file of grey planes), so the engine
test (test/training/smoke.test.ts, reusing test/inference/referenceFiles.ts) can compare onnxruntime's
outputs of the exported graph with PyTorch's.

Extra field `decodedBoxes`: per item, torchvision's BoxCoder decoding of PyTorch's own box regression at
every anchor ([A, 4], input pixels), so the engine's decoder is compared even when no score passes 0.05
(a barely trained model's scores all sit near the 0.01 prior).
"""

from __future__ import annotations

import copy
import os
from typing import Dict, List

import numpy as np
import torch
from torchvision.models.detection import RetinaNet

from . import GENERATOR
from .data import PatchTensors
from .reference import rx

FORMAT = "dvt-reference-expected/1"


def grey_items(data: PatchTensors, form: str, indexes: List[int]) -> List[Dict[str, np.ndarray]]:
    """The patches as the reference input file's planes: z−1, z, z+1 (3-slice) or z (1-slice)."""
    items = []
    for i in indexes:
        g = data.grey[i].numpy()
        items.append({"z-1": g[0], "z": g[1], "z+1": g[2]} if form == "3slice" else {"z": g[0]})
    return items


def pick(data: PatchTensors, count: int) -> List[int]:
    """Positives first (then negatives), in set order: deterministic and covers both kinds."""
    pos = [i for i in range(len(data)) if data.boxes[i].shape[0] > 0]
    neg = [i for i in range(len(data)) if data.boxes[i].shape[0] == 0]
    return (pos + neg)[:count]


@torch.no_grad()
def write_expected(model: RetinaNet, manifest: Dict, data: PatchTensors, form: str, out_dir: str, count: int,
                   onnx_file: str = "model.onnx") -> str:
    """Writes `expected.json` and `expected-input.json` into out_dir; returns the expected file's path."""
    cpu = copy.deepcopy(model).cpu().eval()
    indexes = pick(data, count)
    if not indexes:
        raise ValueError("no patches to write expected outputs for")
    items = grey_items(data, form, indexes)
    channels = manifest["input"]["channels"]
    x = rx.patches_tensor(items, channels, manifest["input"]["scale"], manifest["input"]["mean"], manifest["input"]["std"])
    cls, reg = rx.RawHeads(cpu).eval()(x)
    dets = cpu([im for im in rx.patches_tensor(items, channels, 1.0, [0, 0, 0], [1, 1, 1])])
    anchors = rx.torchvision_anchors(cpu, manifest["input"]["size"])
    input_file = "expected-input.json"
    inp = rx.input_json(items, 0, f"patch set {form} patches {[data.entries[i]['id'] for i in indexes]}")
    inp["size"] = manifest["input"]["size"]
    rx.write_json(os.path.join(out_dir, input_file), inp)
    doc = {
        "format": FORMAT,
        "model": manifest["name"],
        "onnx": onnx_file,
        "manifest": f"embedded:{rx.MANIFEST_METADATA_KEY}",
        "generator": GENERATOR,
        "versions": rx.versions(),
        "inputFile": input_file,
        "inputChecksums": rx.input_checksums(x, "NCHW"),
        "outputs": {"cls_logits": rx.b64_tensor(cls), "bbox_regression": rx.b64_tensor(reg)},
        "anchors": rx.b64_tensor(anchors),
        "decodedBoxes": [rx.b64_tensor(cpu.box_coder.decode_single(reg[n], anchors)) for n in range(reg.shape[0])],
        "detections": rx.detections_json(dets),
        "detectionsSource": "torchvision RetinaNet.forward (eval) with the trained weights on grey/255 (its transform "
                            "applies the manifest's mean/std); equal to sigmoid + decode + NMS of `outputs` with `anchors`",
        "patchIds": [data.entries[i]["id"] for i in indexes],
    }
    path = os.path.join(out_dir, "expected.json")
    rx.write_json(path, doc)
    return path
