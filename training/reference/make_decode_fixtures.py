#!/usr/bin/env python3
"""Reference fixtures for src/shared/detection (anchors, box decoding, NMS, postprocessing).

Run with the system Python (Debian's torch 1.13 + torchvision 0.14 + numpy):

    /usr/bin/python3 training/reference/make_decode_fixtures.py

Writes test/fixtures/detection/torchvision_decode.json and keras_decode.json. Deterministic: seeded
inputs, CPU ops; rerunning gives identical files.

torchvision: the anchors come from a real `AnchorGenerator` called the way `RetinaNet.forward` calls
it, and the expected detections from the real `RetinaNet.postprocess_detections` (on a RetinaNet with
a stub backbone), fed head outputs split per level as `forward` splits them. torchvision's own
default anchors (`_default_anchorgen`, used by `retinanet_resnet50_fpn`) truncate the scaled sizes
with int(): (32, 40, 50), (64, 80, 101), ... Both that and the exact sizes (x · 2^(1/3)) are written.

keras-retinanet: from keras_retinanet_reference.py, a numpy port of fizyr's decoding (see there).

Inputs are clustered around a few objects so that a few hundred candidates pass the score threshold
and NMS has work to do; numbers are written as the shortest decimal that reads back as the same
float32.
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torchvision
from torch import nn
from torchvision.models.detection._utils import BoxCoder
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.retinanet import RetinaNet, _default_anchorgen

sys.dont_write_bytecode = True  # no __pycache__ next to the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_retinanet_reference as kr  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "detection")
SIZE = 128
STRIDES = [8, 16, 32, 64, 128]
SIZES = [32, 64, 128, 256, 512]
SCALES = [1.0, 2 ** (1.0 / 3.0), 2 ** (2.0 / 3.0)]
RATIOS = [0.5, 1.0, 2.0]
WEIGHTS = (1.0, 1.0, 1.0, 1.0)


def nums(a):
    """Flat list of float32 values, each the shortest decimal that reads back as that float32."""
    out = []
    for v in np.asarray(a, dtype=np.float32).ravel():
        x = float(str(v))
        out.append(int(x) if x.is_integer() and abs(x) < 2**31 else x)
    return out


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def grids(size):
    return [math.ceil(size / s) for s in STRIDES]


# ---------------------------------------------------------------- torchvision


def tv_anchors(generator, size):
    """Anchors of one image, per level, as RetinaNet.forward gets them from the generator."""
    images = ImageList(torch.zeros(1, 3, size, size), [(size, size)])
    features = [torch.zeros(1, 1, g, g) for g in grids(size)]
    anchors = generator(images, features)[0]
    per_level = [g * g * 9 for g in grids(size)]
    return anchors, per_level


def exact_generator():
    sizes = tuple(tuple(x * s for s in SCALES) for x in SIZES)
    return AnchorGenerator(sizes, (tuple(RATIOS),) * len(sizes))


class StubBackbone(nn.Module):
    out_channels = 8


def tv_model(num_classes, topk, detections):
    torch.manual_seed(0)
    return RetinaNet(
        StubBackbone(),
        num_classes,
        min_size=SIZE,
        max_size=SIZE,
        anchor_generator=_default_anchorgen(),
        score_thresh=0.05,
        nms_thresh=0.5,
        detections_per_img=detections,
        topk_candidates=topk,
    ).eval()


def objects(rng, count, size):
    """Random ground-truth boxes, some reaching past the image edge so that clipping matters."""
    cx = rng.uniform(-4, size + 4, count)
    cy = rng.uniform(-4, size + 4, count)
    w = rng.uniform(12, 70, count)
    h = w * rng.uniform(0.6, 1.6, count)
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)


def iou_matrix(a, b):
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def clustered_scores(rng, anchors, gt, gt_labels, num_classes):
    """Logits: background noise, raised where an anchor overlaps an object of that class."""
    a = len(anchors)
    logits = rng.normal(-5.2, 1.1, (a, num_classes))
    overlap = iou_matrix(anchors, gt)
    best = overlap.argmax(axis=1)
    best_iou = overlap[np.arange(a), best]
    near = best_iou > 0.4
    logits[near, gt_labels[best[near]]] = rng.uniform(-1.5, 2.5, near.sum()) + 2 * best_iou[near]
    return untie(logits.astype(np.float32)), best, near


def untie(logits):
    """Nudges logits until no two passing float32 scores are equal, so the expected order is defined."""
    while True:
        scores = (1 / (1 + np.exp(-logits.astype(np.float64)))).astype(np.float32).ravel()
        passing = np.flatnonzero(scores > np.float32(0.05))
        _, first, counts = np.unique(scores[passing], return_index=True, return_counts=True)
        tied = passing[first[counts > 1]]
        if len(tied) == 0:
            return logits
        logits.ravel()[tied] += np.float32(1e-3)


def tv_inputs(seed, num_classes):
    rng = np.random.default_rng(seed)
    anchors, per_level = tv_anchors(_default_anchorgen(), SIZE)
    anchors_np = anchors.numpy().astype(np.float64)
    gt = objects(rng, 7, SIZE)
    gt_labels = rng.integers(0, num_classes, len(gt))
    logits, best, near = clustered_scores(rng, anchors_np, gt, gt_labels, num_classes)
    coder = BoxCoder(WEIGHTS)
    target = coder.encode_single(torch.tensor(gt[best], dtype=torch.float32), anchors).numpy()
    regression = rng.normal(0, 0.4, (len(anchors_np), 4))
    regression[near] = target[near] + rng.normal(0, 0.08, (near.sum(), 4))
    # A few very wide (even) or tall (odd) predictions centred so far outside that the box, clamped
    # at 1000/16 times the anchor, ends inside the image: the dw/dh clamp then shows after clipping.
    hot = np.flatnonzero(near)[:: max(1, near.sum() // 6)]
    axis = hot % 2
    size = anchors_np[hot, 2 + axis] - anchors_np[hot, axis]
    centre = (anchors_np[hot, 2 + axis] + anchors_np[hot, axis]) / 2
    far_centre = -0.5 * size * 1000 / 16 + rng.uniform(20, 100, len(hot))
    regression[hot, axis] = (far_centre - centre) / size
    regression[hot, 2 + axis] = rng.uniform(4.5, 7.0, len(hot))
    regression = regression.astype(np.float32)
    scores = torch.sigmoid(torch.from_numpy(logits)).numpy()
    passing = scores[scores > 0.05]
    assert len(np.unique(passing)) == len(passing), "tied scores would make the expected order arbitrary"
    return anchors, per_level, logits, regression


def tv_expected(model, anchors, per_level, logits, regression):
    head = {
        "cls_logits": list(torch.from_numpy(logits)[None].split(per_level, dim=1)),
        "bbox_regression": list(torch.from_numpy(regression)[None].split(per_level, dim=1)),
    }
    split_anchors = [list(anchors.split(per_level))]
    with torch.no_grad():
        det = model.postprocess_detections(head, split_anchors, [(SIZE, SIZE)])[0]
    return {"boxes": nums(det["boxes"]), "scores": nums(det["scores"]), "labels": ints(det["labels"])}


def torchvision_fixture():
    default, per_level = tv_anchors(_default_anchorgen(), SIZE)
    exact, _ = tv_anchors(exact_generator(), SIZE)
    default100, per_level100 = tv_anchors(_default_anchorgen(), 100)
    inputs, cases = {}, []
    for key, seed, num_classes in [("c1", 11, 1), ("c3", 12, 3)]:
        anchors, _, logits, regression = tv_inputs(seed, num_classes)
        inputs[key] = {"numClasses": num_classes, "classLogits": nums(logits), "boxRegression": nums(regression)}
        runs = [(f"{key}-defaults", 1000, 300)]
        if key == "c3":
            runs.append((f"{key}-topk50-det20", 50, 20))
        for name, topk, detections in runs:
            model = tv_model(num_classes, topk, detections)
            expected = tv_expected(model, anchors, per_level, logits, regression)
            print(f"torchvision {name}: {len(expected['scores'])} detections", file=sys.stderr)
            cases.append(
                {
                    "name": name,
                    "inputs": key,
                    "settings": {
                        "scoreThreshold": 0.05,
                        "topKCandidates": topk,
                        "nmsIouThreshold": 0.5,
                        "detectionsPerImage": detections,
                    },
                    "weights": list(WEIGHTS),
                    "clip": math.log(1000.0 / 16),
                    "expected": expected,
                }
            )
    return {
        "generator": f"torch {torch.__version__}, torchvision {torchvision.__version__}",
        "imageSize": SIZE,
        "anchorSettings": {
            "convention": "torchvision",
            "sizes": SIZES,
            "strides": STRIDES,
            "scales": SCALES,
            "aspectRatios": RATIOS,
        },
        "anchors": {
            "default128": {"imageSize": SIZE, "perLevel": per_level, "anchors": nums(default)},
            "exact128": {"imageSize": SIZE, "perLevel": per_level, "anchors": nums(exact)},
            "default100": {"imageSize": 100, "perLevel": per_level100, "anchors": nums(default100)},
        },
        "inputs": inputs,
        "cases": cases,
    }


# ---------------------------------------------------------------- keras-retinanet


def keras_inputs(seed, num_classes):
    rng = np.random.default_rng(seed)
    anchors = kr.model_anchors((SIZE, SIZE))
    anchors64 = anchors.astype(np.float64)
    gt = objects(rng, 7, SIZE)
    gt_labels = rng.integers(0, num_classes, len(gt))
    logits, best, near = clustered_scores(rng, anchors64, gt, gt_labels, num_classes)
    classification = (1 / (1 + np.exp(-logits))).astype(np.float32)
    target = kr.bbox_transform(anchors64, gt[best])
    regression = rng.normal(0, 0.5, (len(anchors), 4))
    regression[near] = target[near] + rng.normal(0, 0.1, (near.sum(), 4))
    regression = regression.astype(np.float32)
    passing = classification[classification > np.float32(0.05)]
    assert len(np.unique(passing)) == len(passing), "tied scores would make the expected order arbitrary"
    return anchors, classification, regression


def keras_fixture():
    inputs, cases = {}, []
    for key, seed, num_classes in [("c1", 21, 1), ("c2", 22, 2)]:
        anchors, classification, regression = keras_inputs(seed, num_classes)
        inputs[key] = {
            "numClasses": num_classes,
            "classification": nums(classification),
            "regression": nums(regression),
        }
        runs = [(f"{key}-defaults", 300)]
        if key == "c2":
            runs.append((f"{key}-det25", 25))
        for name, detections in runs:
            boxes, scores, labels = kr.decode(
                anchors,
                regression,
                classification,
                SIZE,
                score_threshold=0.05,
                max_detections=detections,
                nms_threshold=0.5,
            )
            print(f"keras-retinanet {name}: {len(scores)} detections", file=sys.stderr)
            cases.append(
                {
                    "name": name,
                    "inputs": key,
                    "settings": {
                        "scoreThreshold": 0.05,
                        "topKCandidates": 1000,
                        "nmsIouThreshold": 0.5,
                        "detectionsPerImage": detections,
                    },
                    "mean": kr.DEFAULT_MEAN,
                    "std": kr.DEFAULT_STD,
                    "expected": {"boxes": nums(boxes), "scores": nums(scores), "labels": ints(labels)},
                }
            )
    anchors128 = kr.model_anchors((SIZE, SIZE))
    anchors100 = kr.model_anchors((100, 100))
    return {
        "generator": "keras_retinanet_reference.py (numpy port of fizyr/keras-retinanet)",
        "imageSize": SIZE,
        "anchorSettings": {
            "convention": "keras-retinanet",
            "sizes": SIZES,
            "strides": STRIDES,
            "scales": SCALES,
            "aspectRatios": RATIOS,
        },
        "anchors": {
            "default128": {"imageSize": SIZE, "perLevel": [g * g * 9 for g in grids(SIZE)], "anchors": nums(anchors128)},
            "default100": {"imageSize": 100, "perLevel": [g * g * 9 for g in grids(100)], "anchors": nums(anchors100)},
        },
        "inputs": inputs,
        "cases": cases,
    }


def write(name, data):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)", file=sys.stderr)


def main():
    torch.set_num_threads(1)
    write("torchvision_decode.json", torchvision_fixture())
    write("keras_decode.json", keras_fixture())


if __name__ == "__main__":
    main()
