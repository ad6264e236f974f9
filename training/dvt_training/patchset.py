"""Reading a patch set: the folder `dvt export --format patches` writes (schema: src/shared/exchange/
patchManifest.ts, format 'dvt-patch-set' version 1): `manifest.json` plus one file per patch and input form.

- PNG: 8-bit windowed grey; 1-slice grey (a grey+alpha or an RGB PNG with equal channels is read too),
  3-slice RGB with R = z−1, G = z, B = z+1 (an alpha channel is dropped).
- npy: float32 resampled HU, [C, H, W] (C = 1 or 3, same channel order), windowed here with the set's
  window exactly as the workstation windows (src/shared/imaging/window.ts `windowGrey`).

The zod schema is the source of truth; `validate_manifest` checks what this pipeline relies on (and the
rules it adds: folds below k, one fold per patient, box labels among the classes) and names every fault.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np

FORMAT = "dvt-patch-set"
VERSION = 1
INPUT_FORMS = ("1slice", "3slice")
#: The slice each stored channel holds, per input form (PNG and npy alike).
STORED_CHANNELS = {"1slice": ["z"], "3slice": ["z-1", "z", "z+1"]}
_ID = re.compile(r"^[A-Za-z0-9_-]+$")


class PatchSetError(ValueError):
    """A patch set this pipeline cannot use; the message names the file and the fault."""


@dataclass
class PatchSet:
    root: str
    manifest: Dict

    @property
    def classes(self) -> List[str]:
        return list(self.manifest["classes"])

    @property
    def size(self) -> int:
        return int(self.manifest["patch"]["size"])

    @property
    def window(self) -> Dict[str, float]:
        w = self.manifest["patch"]["window"]
        return {"level": float(w["level"]), "width": float(w["width"])}

    @property
    def jitter_px(self) -> Optional[int]:
        """How far the exporter shifted each patch from its box's centre (None: not stated)."""
        return self.manifest["patch"].get("jitterPx")

    @property
    def encoding(self) -> str:
        return self.manifest["patch"]["encoding"]

    @property
    def k(self) -> int:
        return int(self.manifest["folds"]["k"])

    @property
    def entries(self) -> List[Dict]:
        return self.manifest["patches"]

    def patients_in(self, folds: Sequence[int]) -> List[str]:
        wanted = set(folds)
        return sorted(p["id"] for p in self.manifest["patients"] if p["fold"] in wanted)

    def entries_in(self, folds: Sequence[int]) -> List[Dict]:
        wanted = set(folds)
        return [e for e in self.entries if e["fold"] in wanted]


# --- validation -----------------------------------------------------------------------------------


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)


def _box_ok(b) -> bool:
    return isinstance(b, list) and len(b) == 4 and all(_is_num(v) for v in b) and b[2] > b[0] and b[3] > b[1]


def validate_manifest(m: Dict) -> List[str]:
    """The faults of a manifest (empty when usable), each prefixed with its JSON path."""
    issues: List[str] = []
    if not isinstance(m, dict):
        return ["(manifest): not a JSON object"]
    if m.get("format") != FORMAT:
        issues.append(f'format: expected "{FORMAT}"')
    if m.get("version") != VERSION:
        issues.append(f"version: this pipeline reads version {VERSION}, not {m.get('version')!r}")
    for key in ("exportedAt", "generator"):
        if not isinstance(m.get(key), str):
            issues.append(f"{key}: expected a string")
    if not isinstance(m.get("deidentified"), bool):
        issues.append("deidentified: expected true or false")
    classes = m.get("classes")
    if not (isinstance(classes, list) and classes and all(isinstance(c, str) and c for c in classes)):
        issues.append("classes: expected a non-empty list of names")
        classes = []
    patch = m.get("patch") or {}
    if not (_is_int(patch.get("size")) and patch["size"] > 0):
        issues.append("patch.size: expected a positive integer")
    if not (_is_num(patch.get("pixelSpacingMm")) and patch["pixelSpacingMm"] > 0):
        issues.append("patch.pixelSpacingMm: expected a positive number")
    window = patch.get("window") or {}
    if not (_is_num(window.get("level")) and _is_num(window.get("width")) and window["width"] > 0):
        issues.append("patch.window: expected { level, width > 0 }")
    inputs = patch.get("inputs")
    if not (isinstance(inputs, list) and inputs and all(i in INPUT_FORMS for i in inputs)):
        issues.append(f"patch.inputs: expected a non-empty list of {INPUT_FORMS}")
    for key, low in (("jitterPx", 0), ("veinSliceStride", 1)):
        if key in patch and not (_is_int(patch[key]) and patch[key] >= low):
            issues.append(f"patch.{key}: expected an integer ≥ {low}")
    if patch.get("encoding") not in ("png", "npy"):
        issues.append('patch.encoding: expected "png" or "npy"')
    folds = m.get("folds") or {}
    k = folds.get("k")
    if not (_is_int(k) and k >= 2):
        issues.append("folds.k: expected an integer ≥ 2")
        k = None
    patient_fold: Dict[str, int] = {}
    for i, p in enumerate(m.get("patients") or []):
        if not (isinstance(p, dict) and isinstance(p.get("id"), str) and p["id"] and _is_int(p.get("fold"))):
            issues.append(f"patients[{i}]: expected {{ id, fold }}")
            continue
        if p["id"] in patient_fold:
            issues.append(f"patients[{i}]: patient {p['id']} is listed twice")
        if p["fold"] < 0 or (k is not None and p["fold"] >= k):
            issues.append(f"patients[{i}].fold: {p['fold']} is not in 0…{(k or 0) - 1}")
        patient_fold[p["id"]] = p["fold"]
    entries = m.get("patches")
    if not isinstance(entries, list):
        return issues + ["patches: expected a list"]
    seen = set()
    for i, e in enumerate(entries):
        at = f"patches[{i}]"
        if not isinstance(e, dict):
            issues.append(f"{at}: expected an object")
            continue
        pid = e.get("id")
        if not (isinstance(pid, str) and _ID.match(pid)):
            issues.append(f"{at}.id: expected letters, digits, _ or -")
        elif pid in seen:
            issues.append(f"{at}.id: {pid} is used twice")
        seen.add(pid)
        for key in ("patientId", "seriesInstanceUid", "sopInstanceUid"):
            if not (isinstance(e.get(key), str) and e[key]):
                issues.append(f"{at}.{key}: expected a non-empty string")
        if not (_is_int(e.get("sliceIndex")) and e["sliceIndex"] >= 0):
            issues.append(f"{at}.sliceIndex: expected an integer ≥ 0")
        fold = e.get("fold")
        if not _is_int(fold) or fold < 0:
            issues.append(f"{at}.fold: expected an integer ≥ 0")
        elif e.get("patientId") in patient_fold and patient_fold[e["patientId"]] != fold:
            issues.append(f"{at}.fold: {fold}, but patient {e['patientId']} is in fold {patient_fold[e['patientId']]}")
        elif e.get("patientId") not in patient_fold:
            issues.append(f"{at}.patientId: {e.get('patientId')} is not in `patients`")
        origin, scale = e.get("origin") or {}, e.get("scale") or {}
        if not (_is_int(origin.get("x")) and _is_int(origin.get("y"))):
            issues.append(f"{at}.origin: expected integer {{ x, y }}")
        if not (_is_num(scale.get("x")) and _is_num(scale.get("y")) and scale["x"] > 0 and scale["y"] > 0):
            issues.append(f"{at}.scale: expected positive {{ x, y }}")
        if not isinstance(e.get("files"), dict):
            issues.append(f"{at}.files: expected an object")
        boxes = e.get("boxes")
        if not isinstance(boxes, list):
            issues.append(f"{at}.boxes: expected a list")
            continue
        for j, b in enumerate(boxes):
            if not (isinstance(b, dict) and _box_ok(b.get("box"))):
                issues.append(f"{at}.boxes[{j}].box: expected [x1, y1, x2, y2] with x2 > x1, y2 > y1")
            elif b.get("label") not in classes:
                issues.append(f"{at}.boxes[{j}].label: {b.get('label')!r} is not one of classes {classes}")
    return issues


def load_patch_set(root: str) -> PatchSet:
    path = os.path.join(root, "manifest.json")
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except FileNotFoundError:
        raise PatchSetError(f"{path}: no manifest.json (is {root} a patch set folder?)") from None
    except json.JSONDecodeError as err:
        raise PatchSetError(f"{path}: not valid JSON ({err})") from None
    issues = validate_manifest(manifest)
    if issues:
        more = f" (and {len(issues) - 8} more)" if len(issues) > 8 else ""
        raise PatchSetError(f"{path}: " + "; ".join(issues[:8]) + more)
    return PatchSet(root=os.path.abspath(root), manifest=manifest)


# --- folds ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """Folds per role. Every patient has one fold, so no patient is in two roles."""

    train: tuple
    val: tuple
    test: tuple

    def describe(self) -> str:
        test = f", test {list(self.test)}" if self.test else ", no test fold"
        return f"train folds {list(self.train)}, validation {list(self.val)}{test}"


def fold_split(k: int, test_fold: Optional[int] = None, val_fold: Optional[int] = None) -> Split:
    """The paper's 5-fold scheme: test fold K, validation fold (K + 1) mod k, train on the other k − 2.
    Without a test fold (the shipped demo models) train on every fold but the validation fold
    (`val_fold`, default 0)."""
    if k < 2:
        raise ValueError(f"k must be at least 2, not {k}")
    if test_fold is not None:
        if not 0 <= test_fold < k:
            raise ValueError(f"--fold {test_fold} is not in 0…{k - 1}")
        if k < 3:
            raise ValueError("a test fold needs k ≥ 3 (train, validation and test folds)")
        val = (test_fold + 1) % k
        return Split(tuple(f for f in range(k) if f not in (test_fold, val)), (val,), (test_fold,))
    val = 0 if val_fold is None else val_fold
    if not 0 <= val < k:
        raise ValueError(f"--val-fold {val} is not in 0…{k - 1}")
    return Split(tuple(f for f in range(k) if f != val), (val,), ())


# --- pixels ---------------------------------------------------------------------------------------


def window_grey(hu: np.ndarray, level: float, width: float) -> np.ndarray:
    """windowGrey of src/shared/imaging/window.ts, elementwise: clamp(round((hu − (level − width/2)) /
    width · 255), 0, 255), in float64 with JavaScript's Math.round (halves up; exact, unlike floor(v + ½)).
    NaN becomes 0, as a NaN stored into a Uint8Array does."""
    v = (np.asarray(hu, dtype=np.float64) - (level - width / 2)) / width * 255
    r = np.floor(v)
    r = r + ((v - r) >= 0.5)
    r = np.where(np.isnan(r), 0, r)
    return np.clip(r, 0, 255).astype(np.uint8)


def _decode_png(path: str) -> np.ndarray:
    import torch
    from torchvision.io import ImageReadMode, decode_png, read_file

    data = read_file(path)
    img = decode_png(data, ImageReadMode.UNCHANGED)
    if img.dtype != torch.uint8:
        raise PatchSetError(f"{path}: expected an 8-bit PNG")
    return img.numpy()


def read_patch(ps: PatchSet, entry: Dict, form: str) -> np.ndarray:
    """The patch's windowed grey planes, uint8 [C, size, size] with C = 1 (1-slice: z) or 3 (3-slice:
    z−1, z, z+1)."""
    rel = (entry.get("files") or {}).get(form)
    if not rel:
        raise PatchSetError(f"patch {entry['id']}: no {form} file in the manifest (files: {entry.get('files')})")
    path = os.path.join(ps.root, rel)
    if not os.path.isfile(path):
        raise PatchSetError(f"{path}: missing ({form} patch {entry['id']})")
    want = len(STORED_CHANNELS[form])
    if path.lower().endswith(".png"):
        img = _decode_png(path)
        c = img.shape[0]
        if form == "1slice":
            if c in (3, 4):
                if not (np.array_equal(img[0], img[1]) and np.array_equal(img[1], img[2])):
                    raise PatchSetError(f"{path}: a 1-slice PNG must be grey (its R, G and B differ)")
            img = img[:1]
        else:
            if c not in (3, 4):
                raise PatchSetError(f"{path}: a 3-slice PNG must be RGB (R = z−1, G = z, B = z+1), not {c} channel(s)")
            img = img[:3]
    elif path.lower().endswith(".npy"):
        hu = np.load(path, allow_pickle=False)
        if hu.ndim == 2:
            hu = hu[None]
        if hu.ndim != 3 or hu.shape[0] != want:
            raise PatchSetError(f"{path}: expected HU [{want}, H, W] for {form}, got shape {list(hu.shape)}")
        w = ps.window
        img = window_grey(hu, w["level"], w["width"])
    else:
        raise PatchSetError(f"{path}: expected a .png or .npy file")
    if img.shape[1:] != (ps.size, ps.size):
        raise PatchSetError(f"{path}: {img.shape[2]}×{img.shape[1]} pixels, expected {ps.size}×{ps.size}")
    return np.ascontiguousarray(img)


def patch_targets(ps: PatchSet, entry: Dict):
    """(boxes float32 [M, 4] in patch pixels, labels int64 [M] indexing `classes`); M = 0 for negatives."""
    index = {c: i for i, c in enumerate(ps.classes)}
    boxes = np.array([b["box"] for b in entry["boxes"]], dtype=np.float32).reshape(-1, 4)
    labels = np.array([index[b["label"]] for b in entry["boxes"]], dtype=np.int64)
    return boxes, labels
