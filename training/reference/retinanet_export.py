"""Shared helpers for the reference RetinaNet models: building (tiny and full-size), the export
wrappers (raw heads, torchvision-postprocessed, keras-retinanet conventions), the model manifest
(src/shared/model/manifest.ts, schemaVersion 1), synthetic CT-like grey patches, and the
"expected outputs" JSON that the engine tests compare against.

Run with the system python (torch 1.13, torchvision 0.14): /usr/bin/python3.
Nothing here downloads weights: every model is random (seeded), not trained.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import time
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
import torchvision
from torchvision.models.detection import RetinaNet
from torchvision.models.detection.retinanet import RetinaNetHead, _default_anchorgen
from torchvision.ops import boxes as box_ops
from torchvision.ops.feature_pyramid_network import FeaturePyramidNetwork, LastLevelP6P7

# --- constants mirrored from src/shared/model/manifest.ts -----------------------------------------

MANIFEST_SCHEMA_VERSION = 1
MANIFEST_METADATA_KEY = "dvt.manifest"
PYRAMID_STRIDES = [8, 16, 32, 64, 128]
PYRAMID_SIZES = [32, 64, 128, 256, 512]
ANCHOR_SCALES = [1.0, 2 ** (1 / 3), 2 ** (2 / 3)]
ANCHOR_RATIOS = [0.5, 1.0, 2.0]
DEFAULT_POSTPROCESS = {"scoreThreshold": 0.05, "topKCandidates": 1000, "nmsIouThreshold": 0.5, "detectionsPerImage": 300}
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
CAFFE_BGR_MEAN = [103.939, 116.779, 123.68]
PIXEL_SPACING_MM = 0.695
WINDOW = {"level": 140, "width": 400}
DEFAULT_SCORE_THRESHOLD = 0.1
PATCH_SIZE = 128
CLASS_NAMES = ["DVT"]
OPSET = 17

# torchvision's _default_anchorgen truncates sizes[i]·scale to integers (32, 40, 50; 64, 80, 101; …);
# keras-retinanet keeps them exact.
TV_ANCHORS = {
    "convention": "torchvision",
    "sizes": PYRAMID_SIZES,
    "strides": PYRAMID_STRIDES,
    "scales": ANCHOR_SCALES,
    "aspectRatios": ANCHOR_RATIOS,
    "scaledSizes": "truncate",
}
KERAS_ANCHORS = {**TV_ANCHORS, "convention": "keras-retinanet", "scaledSizes": "exact"}
TV_BOX_CODING = {"kind": "torchvision", "weights": [1.0, 1.0, 1.0, 1.0], "clip": math.log(1000.0 / 16)}
KERAS_BOX_CODING = {"kind": "keras-retinanet", "mean": [0.0, 0.0, 0.0, 0.0], "std": [0.2, 0.2, 0.2, 0.2]}

# The head re-initialisation applied to every reference model (see `make_head_informative`).
WEIGHTS_NOTE = (
    "random weights (seeded), not trained. ResNet: residual-branch BN gamma 0.3 (as in trained ResNets; keeps "
    "float32 error small) and BN statistics calibrated on seeded patches. Head: tower convs Kaiming-normal; final "
    "cls/box convs rescaled so logits have std 1 and box deltas std 0.25 on the calibration patches; cls bias set so "
    "that about 2% of anchors score above 0.05 (torchvision's prior-0.01 bias with random weights gives no or only "
    "tied detections)"
)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Timer:
    """`with Timer('step'):` prints how long the step took."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        log(f"{self.what}: {self.seconds:.2f} s")


def versions() -> Dict[str, str]:
    return {"torch": torch.__version__, "torchvision": torchvision.__version__}


# --- synthetic grey patches -----------------------------------------------------------------------


def phantom_patches(seed: int, batch: int, size: int = PATCH_SIZE) -> List[Dict[str, np.ndarray]]:
    """CT-like windowed grey patches (uint8, [size, size], row-major y then x), one dict per batch
    item keyed by slice ('z-1', 'z', 'z+1'). A body ellipse, muscle, fat, bright vessels (contrast)
    with a darker filling defect in one of them; vessel positions and noise differ per slice so a
    wrong slice→channel mapping changes the result."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    items = []
    for _ in range(batch):
        cx, cy = rng.uniform(0.35, 0.65, 2) * size
        ax, ay = rng.uniform(0.45, 0.7, 2) * size
        vessels = [(rng.uniform(0.2, 0.8) * size, rng.uniform(0.2, 0.8) * size, rng.uniform(4, 11)) for _ in range(3)]
        drift = rng.normal(0, 1.5, (len(vessels), 2))
        item = {}
        for dz, name in ((-1, "z-1"), (0, "z"), (1, "z+1")):
            img = np.full((size, size), 8.0)
            body = ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2
            img[body < 1.0] = 95.0  # fat
            img[body < 0.55] = 135.0  # muscle
            for k, (vx, vy, r) in enumerate(vessels):
                px, py = vx + dz * drift[k, 0], vy + dz * drift[k, 1]
                d2 = (xx - px) ** 2 + (yy - py) ** 2
                img[d2 < r * r] = 225.0
                if k == 0:  # filling defect (the "thrombus")
                    img[d2 < (0.45 * r) ** 2] = 150.0
            img += rng.normal(0, 9.0, (size, size))
            item[name] = np.clip(np.rint(img), 0, 255).astype(np.uint8)
        items.append(item)
    return items


def patches_tensor(
    items: List[Dict[str, np.ndarray]],
    channels: Sequence[str],
    scale: float,
    mean: Sequence[float],
    std: Sequence[float],
    layout: str = "NCHW",
) -> torch.Tensor:
    """The model input per the manifest: value = (grey / 255 · scale − mean[c]) / std[c], computed in
    float64 and stored as float32 (what the engine does)."""
    planes = []
    for item in items:
        chans = []
        for c, src in enumerate(channels):
            g = item[src].astype(np.float64)
            chans.append((g / 255.0 * scale - mean[c]) / std[c])
        planes.append(np.stack(chans, 0))
    x = np.stack(planes, 0).astype(np.float32)  # N, C, H, W
    if layout == "NHWC":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    return torch.from_numpy(x)


def hash_grey(count: int) -> np.ndarray:
    """Grey levels 0…255 for flat indices 0…count−1 (uint32 hash, reproducible in JS):
    h = imul(i, 0x9E3779B1); h ^= h >>> 16; h = imul(h, 0x85EBCA6B); h ^= h >>> 13; grey = h & 255."""
    i = np.arange(count, dtype=np.uint32)
    with np.errstate(over="ignore"):
        h = i * np.uint32(0x9E3779B1)
        h ^= h >> np.uint32(16)
        h = h * np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
    return (h & np.uint32(255)).astype(np.uint8)


def bench_input(batch: int, size: int = PATCH_SIZE) -> torch.Tensor:
    """The benchmark input [batch, 3, size, size] NCHW: grey = hash_grey(flat NCHW index), then
    ImageNet normalisation (grey/255 − mean[c]) / std[c] in float64, stored float32."""
    g = hash_grey(batch * 3 * size * size).reshape(batch, 3, size, size).astype(np.float64)
    mean = np.array(IMAGENET_MEAN).reshape(1, 3, 1, 1)
    std = np.array(IMAGENET_STD).reshape(1, 3, 1, 1)
    return torch.from_numpy(((g / 255.0 - mean) / std).astype(np.float32))


# --- JSON encoding --------------------------------------------------------------------------------


def b64_tensor(t) -> Dict:
    """{dtype, shape, base64}: little-endian raw data (float32 → Float32Array, int64 → BigInt64Array,
    uint8 → Uint8Array), row-major."""
    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    dtype = {np.dtype("float32"): "float32", np.dtype("int64"): "int64", np.dtype("uint8"): "uint8"}[a.dtype]
    data = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
    return {"dtype": dtype, "shape": list(a.shape), "base64": base64.b64encode(data).decode("ascii")}


def detections_json(dets: List[Dict[str, torch.Tensor]]) -> List[Dict]:
    """Per image: boxes [[x1,y1,x2,y2]…] (input pixels), scores […], labels […] (0 = classNames[0]),
    best first. Floats are the exact float32 values written as JSON doubles."""
    out = []
    for d in dets:
        out.append(
            {
                "boxes": [[float(v) for v in b] for b in d["boxes"].to(torch.float32).tolist()],
                "scores": [float(v) for v in d["scores"].to(torch.float32).tolist()],
                "labels": [int(v) for v in d["labels"].tolist()],
            }
        )
    return out


def write_json(path: str, obj) -> None:
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def input_json(items: List[Dict[str, np.ndarray]], seed: int, recipe: str) -> Dict:
    return {
        "size": PATCH_SIZE,
        "batch": len(items),
        "seed": seed,
        "recipe": recipe,
        "layout": "each item: one uint8 grey plane per slice, [size, size] row-major (y, then x), windowed 0…255",
        "items": [{k: b64_tensor(v) for k, v in item.items()} for item in items],
    }


def input_checksums(x: torch.Tensor, layout: str) -> Dict:
    """Per item and tensor channel: the float64 sum of the float32 model input, plus the first 4 values
    of item 0 in memory order, to check the engine's tensor building."""
    a = x.detach().numpy().astype(np.float64)
    if layout == "NHWC":
        a = a.transpose(0, 3, 1, 2)
    return {
        "shape": list(x.shape),
        "sumPerItemChannel": [[float(a[n, c].sum()) for c in range(a.shape[1])] for n in range(a.shape[0])],
        "first": [float(v) for v in x.detach().numpy().reshape(-1)[:4]],
    }


# --- manifest -------------------------------------------------------------------------------------


def make_manifest(
    name: str,
    backbone: str,
    description: str,
    input_name: str,
    layout: str,
    slices: int,
    channels: Sequence[str],
    scale: float,
    mean: Sequence[float],
    std: Sequence[float],
    output: Dict,
    anchors: Optional[Dict] = None,
    box_coding: Optional[Dict] = None,
    provenance: Optional[Dict[str, str]] = None,
) -> Dict:
    m = {
        "schemaVersion": MANIFEST_SCHEMA_VERSION,
        "name": name,
        "description": description,
        "backbone": backbone,
        "classNames": CLASS_NAMES,
        "input": {
            "name": input_name,
            "layout": layout,
            "size": PATCH_SIZE,
            "slices": slices,
            "channels": list(channels),
            "pixelSpacingMm": PIXEL_SPACING_MM,
            "window": dict(WINDOW),
            "scale": scale,
            "mean": [float(v) for v in mean],
            "std": [float(v) for v in std],
        },
        "output": output,
    }
    if anchors is not None:
        m["anchors"] = anchors
    if box_coding is not None:
        m["boxCoding"] = box_coding
    m["postprocess"] = dict(DEFAULT_POSTPROCESS)
    m["defaultScoreThreshold"] = DEFAULT_SCORE_THRESHOLD
    prov = {
        "framework": f"torch {torch.__version__}, torchvision {torchvision.__version__}",
        "generator": "training/reference",
        "weights": WEIGHTS_NOTE,
    }
    prov.update(provenance or {})
    m["provenance"] = {k: str(v) for k, v in prov.items()}
    return m


def compact_onnx_names(onnx_path: str) -> None:
    """Shortens the exporter's long intermediate value and node names (most of a tiny graph's bytes)
    to v0, v1… / n0, n1…, in subgraphs (If branches) too. Graph inputs, outputs and initializers keep
    their names; the computation is untouched."""
    import onnx

    model = onnx.load(onnx_path)
    g = model.graph
    keep = {v.name for v in g.input} | {v.name for v in g.output} | {i.name for i in g.initializer}
    mapping: Dict[str, str] = {}

    def rename(name: str) -> str:
        if not name or name in keep:
            return name
        if name not in mapping:
            mapping[name] = f"v{len(mapping)}"
        return mapping[name]

    counter = [0]

    def walk(graph):
        for n in graph.node:
            n.name = f"n{counter[0]}"
            counter[0] += 1
            n.doc_string = ""
            for i, v in enumerate(n.input):
                n.input[i] = rename(v)
            for i, v in enumerate(n.output):
                n.output[i] = rename(v)
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g)
                elif a.type == onnx.AttributeProto.GRAPHS:
                    for sg in a.graphs:
                        walk(sg)
        if graph is not g:
            for v in list(graph.input) + list(graph.output):
                v.name = rename(v.name)
            for init in graph.initializer:
                init.name = rename(init.name)
        for v in graph.value_info:
            v.name = rename(v.name)

    walk(g)
    onnx.checker.check_model(model)
    onnx.save(model, onnx_path)


def embed_manifest(onnx_path: str, manifest: Dict) -> None:
    """Writes the manifest into the ONNX file's metadata_props under `dvt.manifest`."""
    import onnx

    model = onnx.load(onnx_path)
    for p in list(model.metadata_props):
        if p.key == MANIFEST_METADATA_KEY:
            model.metadata_props.remove(p)
    entry = model.metadata_props.add()
    entry.key = MANIFEST_METADATA_KEY
    entry.value = json.dumps(manifest)
    onnx.save(model, onnx_path)


# --- models ---------------------------------------------------------------------------------------


class TinyBackbone(nn.Module):
    """A few strided convs (C3…C5 at strides 8, 16, 32) and torchvision's FPN with P6/P7, returning
    5 levels at strides 8…128 like torchvision's ResNet-FPN backbone. `p6p7_from_c5` picks
    keras-retinanet's P6 (from C5) over torchvision's v1 (from P5)."""

    def __init__(self, out_channels: int = 8, width: int = 12, p6p7_from_c5: bool = False):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(inplace=True),  # /2
            nn.Conv2d(8, width, 3, stride=2, padding=1), nn.ReLU(inplace=True),  # /4
        )
        self.c3 = nn.Sequential(nn.Conv2d(width, width, 3, stride=2, padding=1), nn.ReLU(inplace=True))  # /8
        self.c4 = nn.Sequential(nn.Conv2d(width, width, 3, stride=2, padding=1), nn.ReLU(inplace=True))  # /16
        self.c5 = nn.Sequential(nn.Conv2d(width, width, 3, stride=2, padding=1), nn.ReLU(inplace=True))  # /32
        p6_in = width if p6p7_from_c5 else out_channels
        self.fpn = FeaturePyramidNetwork([width, width, width], out_channels, extra_blocks=LastLevelP6P7(p6_in, out_channels))
        self.out_channels = out_channels

    def forward(self, x):
        x = self.stem(x)
        c3 = self.c3(x)
        c4 = self.c4(c3)
        c5 = self.c5(c4)
        return self.fpn(OrderedDict([("0", c3), ("1", c4), ("2", c5)]))


def build_tiny_retinanet(seed: int, out_channels: int = 8) -> RetinaNet:
    torch.manual_seed(seed)
    backbone = TinyBackbone(out_channels)
    anchor_gen = _default_anchorgen()
    head = RetinaNetHead(out_channels, anchor_gen.num_anchors_per_location()[0], len(CLASS_NAMES))
    model = RetinaNet(
        backbone, len(CLASS_NAMES), min_size=PATCH_SIZE, max_size=PATCH_SIZE,
        anchor_generator=anchor_gen, head=head,
        score_thresh=DEFAULT_POSTPROCESS["scoreThreshold"], nms_thresh=DEFAULT_POSTPROCESS["nmsIouThreshold"],
        detections_per_img=DEFAULT_POSTPROCESS["detectionsPerImage"], topk_candidates=DEFAULT_POSTPROCESS["topKCandidates"],
    )
    return model.eval()


def build_reference_retinanet(backbone_name: str, seed: int) -> RetinaNet:
    """torchvision RetinaNet with a ResNet-FPN backbone exactly as retinanet_resnet50_fpn (v1) builds it
    (returned layers 2–4, P6/P7 from P5, BatchNorm2d since no pretrained weights), 1 class, 128 px."""
    from torchvision.models.detection.backbone_utils import resnet_fpn_backbone

    torch.manual_seed(seed)
    backbone = resnet_fpn_backbone(
        backbone_name=backbone_name, weights=None, trainable_layers=5, returned_layers=[2, 3, 4],
        extra_blocks=LastLevelP6P7(256, 256), norm_layer=nn.BatchNorm2d,
    )
    model = RetinaNet(
        backbone, len(CLASS_NAMES), min_size=PATCH_SIZE, max_size=PATCH_SIZE,
        score_thresh=DEFAULT_POSTPROCESS["scoreThreshold"], nms_thresh=DEFAULT_POSTPROCESS["nmsIouThreshold"],
        detections_per_img=DEFAULT_POSTPROCESS["detectionsPerImage"], topk_candidates=DEFAULT_POSTPROCESS["topKCandidates"],
    )
    return model.eval()


@torch.no_grad()
def calibrate_batchnorm(model: RetinaNet, x_normalized: torch.Tensor) -> None:
    """Random ResNets with identity BN statistics blow activations up with depth; one train-mode pass
    over seeded patches (cumulative average) sets every BN's running mean/var so eval-mode activations
    are normalised like a trained network's."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    model.backbone.train()
    model.backbone(x_normalized)
    model.eval()
    for m in bns:
        m.momentum = 0.1


@torch.no_grad()
def make_head_informative(
    head: RetinaNetHead, features: List[torch.Tensor], seed: int,
    logit_std: float = 1.0, delta_std: float = 0.25, pass_fraction: float = 0.02,
) -> float:
    """Re-initialises the head so random weights give spread-out, tie-free scores and box deltas:
    tower convs Kaiming-normal (fan_in, ReLU), final convs rescaled on `features` to the wanted output
    std, and the classification bias set so `pass_fraction` of anchors score above the 0.05 threshold.
    Returns the bias."""
    g = torch.Generator().manual_seed(seed)
    for tower in (head.classification_head.conv, head.regression_head.conv):
        for m in tower.modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * math.sqrt(2.0 / fan_in))
                m.bias.zero_()
    cls, reg = head.classification_head.cls_logits, head.regression_head.bbox_reg
    for final in (cls, reg):
        final.weight.copy_(torch.randn(final.weight.shape, generator=g) * 0.01)
        final.bias.zero_()
    out = head(features)
    logits, deltas = out["cls_logits"], out["bbox_regression"]
    cls.weight.mul_(logit_std / float(logits.std()))
    reg.weight.mul_(delta_std / float(deltas.std()))
    logits = head(features)["cls_logits"].flatten().double()
    q = float(torch.quantile(logits, 1.0 - pass_fraction))
    bias = round(math.log(0.05 / 0.95) - q, 4)
    cls.bias.fill_(bias)
    return bias


RESIDUAL_BN_GAMMA = 0.3


def prepare_weights(model: RetinaNet, calib_items, seed: int) -> float:
    """Damped residual branches, BN calibration and head re-init on seeded calibration patches (not the
    test patches). Returns the classification bias."""
    from torchvision.models.resnet import BasicBlock, Bottleneck

    with torch.no_grad():
        for blk in model.backbone.modules():
            if isinstance(blk, Bottleneck):
                blk.bn3.weight.fill_(RESIDUAL_BN_GAMMA)
            elif isinstance(blk, BasicBlock):
                blk.bn2.weight.fill_(RESIDUAL_BN_GAMMA)
    x = patches_tensor(calib_items, ["z-1", "z", "z+1"], 1.0, IMAGENET_MEAN, IMAGENET_STD)
    calibrate_batchnorm(model, x)
    with torch.no_grad():
        feats = list(model.backbone(x).values())
    return make_head_informative(model.head, feats, seed)


class RawHeads(nn.Module):
    """Layout (b): normalised NCHW tensor → (cls_logits [N, A, C], bbox_regression [N, A, 4]),
    concatenated over levels exactly as RetinaNetHead does."""

    def __init__(self, model: RetinaNet):
        super().__init__()
        self.backbone = model.backbone
        self.head = model.head

    def forward(self, x):
        feats = list(self.backbone(x).values())
        out = self.head(feats)
        return out["cls_logits"], out["bbox_regression"]


class Postprocessed(nn.Module):
    """Layout (a): [B, 3, H, W] in 0…1 → RetinaNet.forward (its transform normalises) → per image
    boxes_i, scores_i, labels_i. Tracing unrolls the images, so B is frozen at export."""

    def __init__(self, model: RetinaNet, batch: int):
        super().__init__()
        self.model = model
        self.batch = batch

    def forward(self, x):
        dets = self.model([x[i] for i in range(self.batch)])
        out = []
        for d in dets:
            out += [d["boxes"], d["scores"], d["labels"]]
        return tuple(out)


def post_output_names(batch: int) -> List[str]:
    return [f"{k}_{i}" for i in range(batch) for k in ("boxes", "scores", "labels")]


class KerasStyle(nn.Module):
    """keras-retinanet's conventions at the graph boundary: input NHWC (caffe: BGR-mean-subtracted
    0…255), outputs `regression` [N, A, 4] and `classification` [N, A, C] with the sigmoid applied,
    anchors ordered level, y, x, anchor (ratio-major, scale-minor)."""

    def __init__(self, backbone: nn.Module, head: RetinaNetHead):
        super().__init__()
        self.backbone = backbone
        self.head = head

    def forward(self, x):
        feats = list(self.backbone(x.permute(0, 3, 1, 2)).values())
        out = self.head(feats)
        return out["bbox_regression"], torch.sigmoid(out["cls_logits"])


def export_onnx(module: nn.Module, x: torch.Tensor, path: str, input_name: str, output_names: List[str], dynamic_batch: bool) -> None:
    import warnings

    dyn = None
    if dynamic_batch:
        dyn = {input_name: {0: "batch"}, **{n: {0: "batch"} for n in output_names}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module, (x,), path, input_names=[input_name], output_names=output_names, dynamic_axes=dyn,
            opset_version=OPSET, do_constant_folding=True,
        )


# --- anchors and a reference postprocess (what the engine must reproduce) ---------------------------


def torchvision_anchors(model: RetinaNet, size: int = PATCH_SIZE) -> torch.Tensor:
    """torchvision's anchors [A, 4] (x1, y1, x2, y2) for one size×size image, in raw-output order."""
    from torchvision.models.detection.image_list import ImageList

    with torch.no_grad():
        img = torch.zeros(1, 3, size, size)
        feats = list(model.backbone(img).values())
        return model.anchor_generator(ImageList(img, [(size, size)]), feats)[0]


def keras_anchors(size: int = PATCH_SIZE) -> torch.Tensor:
    """keras-retinanet's anchors_for_shape: exact base anchors (ratio-major, scale-minor; ratio = h/w),
    centred on cells ((x + 0.5)·stride), grid ceil(size/stride); order level, y, x, anchor."""
    all_anchors = []
    for base_size, stride in zip(PYRAMID_SIZES, PYRAMID_STRIDES):
        ratios = np.array(ANCHOR_RATIOS)
        scales = np.array(ANCHOR_SCALES)
        n = len(ratios) * len(scales)
        a = np.zeros((n, 4))
        a[:, 2:] = base_size * np.tile(scales, (2, len(ratios))).T
        areas = a[:, 2] * a[:, 3]
        a[:, 2] = np.sqrt(areas / np.repeat(ratios, len(scales)))
        a[:, 3] = a[:, 2] * np.repeat(ratios, len(scales))
        a[:, 0::2] -= np.tile(a[:, 2] * 0.5, (2, 1)).T
        a[:, 1::2] -= np.tile(a[:, 3] * 0.5, (2, 1)).T
        g = (size + stride - 1) // stride
        sx = (np.arange(0, g) + 0.5) * stride
        sy = (np.arange(0, g) + 0.5) * stride
        sx, sy = np.meshgrid(sx, sy)
        shifts = np.vstack((sx.ravel(), sy.ravel(), sx.ravel(), sy.ravel())).transpose()
        all_anchors.append((a.reshape(1, n, 4) + shifts.reshape(-1, 1, 4)).reshape(-1, 4))
    return torch.from_numpy(np.concatenate(all_anchors, 0).astype(np.float32))


def keras_decode(deltas: torch.Tensor, anchors: torch.Tensor) -> torch.Tensor:
    """keras-retinanet bbox_transform_inv: corner deltas · std + mean, in anchor widths/heights."""
    std, mean = KERAS_BOX_CODING["std"], KERAS_BOX_CODING["mean"]
    w = anchors[:, 2] - anchors[:, 0]
    h = anchors[:, 3] - anchors[:, 1]
    x1 = anchors[:, 0] + (deltas[:, 0] * std[0] + mean[0]) * w
    y1 = anchors[:, 1] + (deltas[:, 1] * std[1] + mean[1]) * h
    x2 = anchors[:, 2] + (deltas[:, 2] * std[2] + mean[2]) * w
    y2 = anchors[:, 3] + (deltas[:, 3] * std[3] + mean[3]) * h
    return torch.stack([x1, y1, x2, y2], 1)


def level_anchor_counts(size: int = PATCH_SIZE, per_cell: int = 9) -> List[int]:
    return [((size + s - 1) // s) ** 2 * per_cell for s in PYRAMID_STRIDES]


def reference_postprocess(scores: torch.Tensor, deltas: torch.Tensor, anchors: torch.Tensor, decode, size: int = PATCH_SIZE):
    """torchvision RetinaNet.postprocess_detections on probabilities: per level keep score > 0.05, the
    best topKCandidates, decode, clip to [0, size], then class-wise NMS (IoU 0.5) and the best
    detectionsPerImage. `scores` [N, A, C] probabilities, `deltas` [N, A, 4]."""
    pp = DEFAULT_POSTPROCESS
    counts = level_anchor_counts(size)
    dets = []
    for n in range(scores.shape[0]):
        boxes_all, scores_all, labels_all = [], [], []
        for s_l, d_l, a_l in zip(scores[n].split(counts), deltas[n].split(counts), anchors.split(counts)):
            num_classes = s_l.shape[-1]
            s = s_l.flatten()
            keep = s > pp["scoreThreshold"]
            s = s[keep]
            idx = torch.where(keep)[0]
            s, order = s.topk(min(pp["topKCandidates"], idx.numel()))
            idx = idx[order]
            anchor_idx = torch.div(idx, num_classes, rounding_mode="floor")
            labels = idx % num_classes
            b = decode(d_l[anchor_idx], a_l[anchor_idx])
            b = box_ops.clip_boxes_to_image(b, (size, size))
            boxes_all.append(b)
            scores_all.append(s)
            labels_all.append(labels)
        b, s, l = torch.cat(boxes_all), torch.cat(scores_all), torch.cat(labels_all)
        keep = box_ops.batched_nms(b, s, l, pp["nmsIouThreshold"])[: pp["detectionsPerImage"]]
        dets.append({"boxes": b[keep], "scores": s[keep], "labels": l[keep]})
    return dets


def torchvision_decode(model: RetinaNet):
    return lambda d, a: model.box_coder.decode_single(d, a)


# --- files ----------------------------------------------------------------------------------------


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def scripts_hash(*paths: str) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(os.path.basename(p).encode())
        h.update(open(p, "rb").read())
    return h.hexdigest()
