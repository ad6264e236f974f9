"""The test fold's predictions as a native annotation set (src/shared/exchange/annotationSet.ts,
'dvt-annotation-set' version 1) with one run per series, which `dvt import-annotations` reads.

Per patch: torchvision's own detections (RetinaNet.forward in eval: score > 0.05, per-level top 1000,
class-wise NMS 0.5, best 300), the model's postprocess. Boxes go from patch pixels to DICOM pixels with
the patch's origin and scale, dicom = (patch + origin) / scale (as the engine maps tiles,
src/shared/preprocessing/boxMapping.ts), clipped to the slice (its size is in each entry's `image`; in
sets exported before that field existed only at 0). Overlapping patches of one slice are merged as the engine merges
tiles: class-wise NMS at IoU 0.5 over the slice's float32 DICOM-pixel boxes, best score first.
"""

from __future__ import annotations

import datetime as _dt
from collections import OrderedDict
from typing import Dict, List

import numpy as np
import torch
from torchvision.models.detection import RetinaNet
from torchvision.ops import batched_nms

from . import GENERATOR
from .data import PatchTensors, batch_order, make_batch

MERGE_IOU = 0.5


def iso_now() -> str:
    """UTC time as JavaScript's Date.toISOString writes it."""
    now = _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


@torch.no_grad()
def predict_patches(model: RetinaNet, data: PatchTensors, batch: int, device: torch.device) -> List[Dict[str, np.ndarray]]:
    """Per patch: boxes float32 [K, 4] (patch pixels), scores [K], labels [K] (class indexes)."""
    model.eval()
    out = []
    for idx in batch_order(len(data), batch, None):
        images, _ = make_batch(data, idx, None, None)
        for d in model([im.to(device) for im in images]):
            out.append({k: d[k].detach().cpu().numpy() for k in ("boxes", "scores", "labels")})
    return out


def patch_boxes_to_dicom(entry: Dict, boxes: np.ndarray) -> np.ndarray:
    """[K, 4] patch pixels → DICOM pixels (float64), clipped to the image: at 0, and at the slice's
    columns and rows where the entry records them (`image`; sets exported before it was added lack it)."""
    o, s = entry["origin"], entry["scale"]
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    shift = np.array([o["x"], o["y"], o["x"], o["y"]], dtype=np.float64)
    scale = np.array([s["x"], s["y"], s["x"], s["y"]], dtype=np.float64)
    d = np.maximum((b + shift) / scale, 0.0)
    image = entry.get("image")
    if image:
        d = np.minimum(d, np.array([image["cols"], image["rows"], image["cols"], image["rows"]], dtype=np.float64))
    return d


def merge_slice(boxes: np.ndarray, scores: np.ndarray, labels: np.ndarray, iou: float = MERGE_IOU) -> np.ndarray:
    """Indexes kept by class-wise NMS, best score first (the engine's merge of overlapping tiles)."""
    if len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    keep = batched_nms(
        torch.from_numpy(np.asarray(boxes, dtype=np.float32)), torch.from_numpy(np.asarray(scores, dtype=np.float32)),
        torch.from_numpy(np.asarray(labels, dtype=np.int64)), iou,
    )
    return keep.numpy()


def series_runs(
    entries: List[Dict], detections: List[Dict[str, np.ndarray]], classes: List[str], model_name: str, model_sha256: str,
    provider: str, params: Dict, started_at: str, finished_at: str,
) -> List[Dict]:
    """One run per series of `entries` (series without detections too), predictions per slice merged."""
    by_slice: "OrderedDict[tuple, list]" = OrderedDict()
    series_order: "OrderedDict[str, str]" = OrderedDict()
    def order(ed):
        e = ed[0]
        return e["patientId"], e["seriesInstanceUid"], e["sliceIndex"], e["id"]

    for e, d in sorted(zip(entries, detections), key=order):
        series_order.setdefault(e["seriesInstanceUid"], e["patientId"])
        by_slice.setdefault((e["seriesInstanceUid"], e["sliceIndex"], e["sopInstanceUid"]), []).append((e, d))
    runs = {uid: [] for uid in series_order}
    for (series, slice_index, sop), items in by_slice.items():
        boxes = np.concatenate([patch_boxes_to_dicom(e, d["boxes"]) for e, d in items]).astype(np.float32)
        scores = np.concatenate([d["scores"] for _, d in items]).astype(np.float32)
        labels = np.concatenate([d["labels"] for _, d in items]).astype(np.int64)
        valid = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1]) & np.isfinite(boxes).all(1)
        boxes, scores, labels = boxes[valid], scores[valid], labels[valid]
        for k in merge_slice(boxes, scores, labels):
            x1, y1, x2, y2 = (float(v) for v in boxes[k])
            runs[series].append({
                "sopInstanceUid": sop,
                "sliceIndex": int(slice_index),
                "label": classes[int(labels[k])],
                "score": min(1.0, max(0.0, float(scores[k]))),
                "box": {"space": "dicom-pixel", "x1": x1, "y1": y1, "x2": x2, "y2": y2},
            })
    return [
        {
            "model": {"name": model_name, "sha256": model_sha256},
            "seriesInstanceUid": uid,
            "status": "done",
            "providerUsed": provider,
            "params": dict(params),
            "startedAt": started_at,
            "finishedAt": finished_at,
            "predictions": preds,
        }
        for uid, preds in runs.items()
    ]


def annotation_set(classes: List[str], deidentified: bool, runs: List[Dict]) -> Dict:
    """The native document around the runs: no readers, patients, series, boxes or cases (the
    workspace that imports it already has them)."""
    return {
        "format": "dvt-annotation-set",
        "version": 1,
        "exportedAt": iso_now(),
        "generator": GENERATOR,
        "deidentified": bool(deidentified),
        "labels": list(classes),
        "readers": [],
        "folds": None,
        "patients": [],
        "series": [],
        "boxes": [],
        "cases": [],
        "runs": runs,
    }
