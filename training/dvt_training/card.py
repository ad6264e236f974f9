"""The model card (`card.md`) of a training run, rendered from `training-log.json` and `model.json` in the
run folder, and from `metrics.json` once the workstation has evaluated the test run:

    /usr/bin/python3 -m dvt_training.card --run DIR [--metrics REPORT.json]

`--metrics` copies the report into DIR/metrics.json (so later renders keep it) and fills the Metrics
section. A `dvt eval --json` report (EvaluationReport: evaluation.overall.operatingPoint, mAP, FROC
CPM, optional bootstrap) is summarised as a table; any other JSON object has its numbers listed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from typing import Dict, Optional

from .reference import rx

METRICS_FILE = "metrics.json"
CARD_FILE = "card.md"


def _fmt(v, digits: int = 4) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return str(v)


def _flat_numbers(obj, prefix: str = "", out=None, limit: int = 40):
    out = [] if out is None else out
    if isinstance(obj, dict):
        for k, v in obj.items():
            if len(out) >= limit:
                break
            if k in ("curve", "points"):
                continue
            _flat_numbers(v, f"{prefix}{k}.", out, limit)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        out.append((prefix[:-1], obj))
    return out


def metrics_section(metrics: Optional[Dict], run_dir_hint: str = "DIR") -> str:
    if metrics is None:
        return (
            "## Metrics\n\n"
            "Not evaluated yet. Import `test-run.json` into the workspace the patch set came from "
            "(`dvt import-annotations`), evaluate the run against the reader's boxes (`dvt eval ... --json > "
            "report.json`, unit `patches` for the paper's numbers), then fill this section with\n\n"
            f"    /usr/bin/python3 -m dvt_training.card --run {run_dir_hint} --metrics report.json\n"
        )
    lines = ["## Metrics", ""]
    overall = (metrics.get("evaluation") or {}).get("overall") if isinstance(metrics, dict) else None
    if isinstance(overall, dict) and "operatingPoint" in overall:
        ev = metrics["evaluation"]
        op = overall["operatingPoint"]
        settings = ev.get("settings") or {}
        lines += [
            f"Evaluated on {ev.get('numImages', '?')} images of {ev.get('numPatients', '?')} patients"
            + (f"; settings {json.dumps(settings)}" if settings else "") + ".",
            "",
            "| metric | value |",
            "| --- | --- |",
            f"| score threshold | {_fmt(op.get('scoreThreshold'))} |",
            f"| sensitivity | {_fmt(op.get('sensitivity'))} |",
            f"| false positives per image | {_fmt(op.get('fppi'))} |",
            f"| precision | {_fmt(op.get('precision'))} |",
            f"| TP / FP / FN | {op.get('tp')} / {op.get('fp')} / {op.get('fn')} |",
            f"| mAP | {_fmt(overall.get('mAP'))} |",
            f"| FROC CPM | {_fmt((overall.get('froc') or {}).get('cpm'))} |",
        ]
        if metrics.get("bootstrap"):
            lines += ["", "Bootstrap:", "", "```json", json.dumps(metrics["bootstrap"], indent=2)[:4000], "```"]
    else:
        pairs = _flat_numbers(metrics)
        lines += ["| metric | value |", "| --- | --- |"] + [f"| {k} | {_fmt(v)} |" for k, v in pairs]
    lines += ["", f"(from `{METRICS_FILE}`)"]
    return "\n".join(lines) + "\n"


def render_card(log: Dict, manifest: Dict, model_sha256: Optional[str], metrics: Optional[Dict], run_dir_hint: str = "DIR") -> str:
    s, d, h = log["settings"], log["data"], log["hardware"]
    best = log.get("best") or {}
    epochs = log.get("epochs") or []
    inp = manifest["input"]
    split_rows = []
    for role in ("train", "validation", "test"):
        part = d["splits"].get(role)
        if part:
            split_rows.append(
                f"| {role} | {part['folds']} | {part['patients']} | {part['patches']} | {part['positives']} | {part['negatives']} |"
            )
    out = [
        f"# Model card: {manifest['name']}",
        "",
        manifest.get("description", ""),
        "",
        "**Research use only.** Not a medical device; trained on the data described below and nothing else.",
        "",
        "## Model",
        "",
        f"- Architecture: RetinaNet (torchvision {log['versions']['torchvision']}), backbone {manifest['backbone']}, "
        f"{s['parameters']:,} parameters; no pretrained weights.",
        f"- Input: {inp['size']}×{inp['size']} patches at {inp['pixelSpacingMm']} mm, window level {inp['window']['level']:g} / "
        f"width {inp['window']['width']:g}, {s['input']} (channels {', '.join(inp['channels'])}), "
        f"value = (grey/255 − mean)/std with mean {inp['mean']} and std {inp['std']}.",
        f"- Output: `torchvision-raw` (class logits and box regression over {s['anchors']} anchors), "
        f"classes {manifest['classNames']}; "
        f"default score threshold {manifest['defaultScoreThreshold']}.",
        f"- Files: `model.onnx` (manifest embedded under `dvt.manifest`), `model.json`"
        + (f"; SHA-256 of model.onnx `{model_sha256}`" if model_sha256 else "") + ".",
        "",
        "## Data",
        "",
        f"- Patch set: `{d['patchSet']}` ({d['generator']}, exported {d['exportedAt']}; boxes from {d['source']}; "
        f"{'de-identified' if d['deidentified'] else 'NOT de-identified'}).",
        f"- Folds: k = {d['k']} ({d['foldsSource']}, seed {d['foldsSeed']}); {d['split']}. Split by patient: each patient's "
        "patches are in one role only.",
        "",
        "| role | folds | patients | patches | with boxes | without boxes |",
        "| --- | --- | --- | --- | --- | --- |",
        *split_rows,
        "",
        "## Training",
        "",
        f"- Seed {s['seed']}; {s['optimizer']}, learning rate {s['lr']:g}, batch {s['batch']}, up to {s['epochs']} epochs"
        + (f" (stopped after {s['maxSteps']} steps)" if s.get("maxSteps") else "") + f"; {s['scheduler']}.",
        f"- Loss: torchvision's focal loss (classification) + L1 (box regression); validation loss with BatchNorm in "
        "eval mode; the weights of the best validation loss are kept.",
        f"- Augmentation: {s['augment']}.",
        f"- Ran {len(epochs)} epoch(s), {log.get('steps', 0)} steps in {log.get('trainSeconds', 0):.1f} s "
        f"(total with export {log.get('totalSeconds', 0):.1f} s); best validation loss "
        f"{_fmt(best.get('valLoss'))} at epoch {best.get('epoch', '—')}.",
        f"- Hardware: {h['device']}; {h['cpu']} ({h['cpuCount']} logical CPUs, {s['threads']} torch threads); "
        f"{h['platform']}; torch {log['versions']['torch']}.",
        f"- Determinism: {log.get('determinism', '')}",
        "",
        metrics_section(metrics, run_dir_hint),
        "## Limitations",
        "",
        "- Patch-level model: the workstation runs it on 128-px tiles of whole slices, which include regions "
        "(bone, bowel, skin) the training patches around the veins rarely show; expect more false positives there.",
        "- The paper's models were trained with Keras RetinaNet; this is torchvision's RetinaNet with the same "
        "hyper-parameters, not a reproduction of their weights.",
    ]
    return "\n".join(out) + "\n"


def write_card(run_dir: str, metrics_path: Optional[str] = None) -> str:
    """Renders DIR/card.md; with metrics_path, first copies it to DIR/metrics.json."""
    with open(os.path.join(run_dir, "training-log.json"), encoding="utf-8") as f:
        log = json.load(f)
    with open(os.path.join(run_dir, "model.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if metrics_path is not None:
        with open(metrics_path, encoding="utf-8") as f:
            json.load(f)  # refuse a file that is not JSON before copying it
        if os.path.abspath(metrics_path) != os.path.abspath(os.path.join(run_dir, METRICS_FILE)):
            shutil.copyfile(metrics_path, os.path.join(run_dir, METRICS_FILE))
    metrics = None
    if os.path.isfile(os.path.join(run_dir, METRICS_FILE)):
        with open(os.path.join(run_dir, METRICS_FILE), encoding="utf-8") as f:
            metrics = json.load(f)
    onnx_path = os.path.join(run_dir, "model.onnx")
    sha = rx.file_sha256(onnx_path) if os.path.isfile(onnx_path) else None
    path = os.path.join(run_dir, CARD_FILE)
    with open(path, "w", encoding="utf-8") as f:
        f.write(render_card(log, manifest, sha, metrics, run_dir))
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dvt_training.card", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="a training output folder (training-log.json, model.json)")
    ap.add_argument("--metrics", help="an evaluation report (JSON) to put into the card")
    args = ap.parse_args(argv)
    print(write_card(args.run, args.metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
