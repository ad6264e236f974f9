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
DATA_FILE = "data.json"


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


def _model_entry(metrics: Dict, model_name: Optional[str]) -> Dict:
    """A workspace `dvt eval --json` report has one entry per model (its runs pooled over the series):
    the entry of this model (by name, else the only one). A single evaluation is returned as it is."""
    models = metrics.get("models") if isinstance(metrics, dict) else None
    if isinstance(models, list) and models:
        named = [m for m in models if isinstance(m, dict) and m.get("model") == model_name]
        if named:
            return named[0]
        if len(models) == 1 and isinstance(models[0], dict):
            return models[0]
    return metrics


def _ci(boot: Optional[Dict], key: str) -> str:
    iv = (boot or {}).get(key)
    if not isinstance(iv, dict):
        return "—"
    return f"{_fmt(iv.get('low'), 3)} – {_fmt(iv.get('high'), 3)}"


def metrics_section(metrics: Optional[Dict], run_dir_hint: str = "DIR", model_name: Optional[str] = None) -> str:
    if metrics is None:
        return (
            "## Metrics\n\n"
            "Not evaluated yet. Import `test-run.json` into the workspace the patch set came from "
            "(`dvt import-annotations`), evaluate the run against the reader's boxes (`dvt eval ... --json > "
            "report.json`, unit `patches` for the paper's numbers), then fill this section with\n\n"
            f"    /usr/bin/python3 -m dvt_training.card --run {run_dir_hint} --metrics report.json\n"
        )
    lines = ["## Metrics", ""]
    entry = _model_entry(metrics, model_name)
    overall = (entry.get("evaluation") or {}).get("overall") if isinstance(entry, dict) else None
    if isinstance(overall, dict) and "operatingPoint" in overall:
        ev = entry["evaluation"]
        op = overall["operatingPoint"]
        settings = ev.get("settings") or {}
        boot = entry.get("bootstrap")
        froc = overall.get("froc") or {}
        unit = (metrics.get("unit") if isinstance(metrics, dict) else None) or "patches"
        lines += [
            f"Table 1 of the paper, on {ev.get('numImages', '?')} {unit} of {ev.get('numPatients', '?')} patients"
            + (f"; settings {json.dumps(settings)}" if settings else "") + "."
            + (f" Intervals: 95 % bootstrap over patients ({boot.get('resamples')} resamples, seed {boot.get('seed')})."
               if isinstance(boot, dict) else ""),
            "",
            "| metric | value | 95 % interval |",
            "| --- | --- | --- |",
            f"| sensitivity | {_fmt(op.get('sensitivity'))} | {_ci(boot, 'sensitivity')} |",
            f"| false positives per image | {_fmt(op.get('fppi'))} | {_ci(boot, 'fppi')} |",
            f"| precision | {_fmt(op.get('precision'))} | {_ci(boot, 'precision')} |",
            f"| AP (mAP over labels) | {_fmt(overall.get('mAP'))} | {_ci(boot, 'ap101')} |",
            f"| FROC CPM | {_fmt(froc.get('cpm'))} | {_ci(boot, 'cpm')} |",
            f"| TP / FP / FN | {op.get('tp')} / {op.get('fp')} / {op.get('fn')} | |",
            f"| score threshold | {_fmt(op.get('scoreThreshold'))} | |",
        ]
        # The FROC's rates are in the report's settings (`frocRates`) or beside the sensitivities.
        rates, sens = froc.get("rates") or settings.get("frocRates"), froc.get("sensitivityAtRates")
        if isinstance(rates, list) and isinstance(sens, list) and rates:
            lines += ["", "FROC: sensitivity at " + ", ".join(
                f"{_fmt(r, 3)} FPPI = {_fmt(v, 3)}" for r, v in zip(rates, sens)) + "."]
    else:
        pairs = _flat_numbers(metrics)
        lines += ["| metric | value |", "| --- | --- |"] + [f"| {k} | {_fmt(v)} |" for k, v in pairs]
    lines += ["", f"(from `{METRICS_FILE}`)"]
    return "\n".join(lines) + "\n"


def provenance_section(data: Optional[Dict]) -> list:
    """What `training/demo-models.sh` records in DATA_FILE: the synthetic cohorts and the command."""
    if not isinstance(data, dict):
        return []
    out = ["## Provenance", ""]
    tc, te = data.get("trainingCohort") or {}, data.get("testCohort") or {}
    if tc:
        out.append(f"- Training cohort: synthetic (`dvt phantom`), seed {tc.get('seed')}, {tc.get('patients')} patients × "
                   f"{tc.get('slicesPerPatient')} slices; patches around every thrombus slice and the veins of every "
                   f"{tc.get('veinEvery')}th slice.")
    if te:
        out.append(f"- Test cohort: synthetic, seed {te.get('seed')}, {te.get('patients')} patients × {te.get('slicesPerPatient')} "
                   f"slices, not seen in training; ground truth: its known thrombi (reader `{te.get('reader')}`); the model "
                   "runs on whole slices in the workstation's engine and is scored on the paper's patches.")
    if data.get("command"):
        out.append(f"- Reproduce: `{data['command']}` from the repository root.")
    return out + [""]


def render_card(log: Dict, manifest: Dict, model_sha256: Optional[str], metrics: Optional[Dict], run_dir_hint: str = "DIR",
                data: Optional[Dict] = None) -> str:
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
        f"- Anchors: base sizes {s.get('anchorSizes', [32, 64, 128, 256, 512])} px on P3…P7 (× 2^(k/3), ratios 0.5/1/2"
        + ("; torchvision's default)." if s.get('anchorSizes', [32, 64, 128, 256, 512]) == [32, 64, 128, 256, 512]
           else "; torchvision's default is 32…512, made smaller for small targets)."),
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
        *provenance_section(data),
        metrics_section(metrics, run_dir_hint, manifest.get("name")),
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
    data = None
    if os.path.isfile(os.path.join(run_dir, DATA_FILE)):
        with open(os.path.join(run_dir, DATA_FILE), encoding="utf-8") as f:
            data = json.load(f)
    onnx_path = os.path.join(run_dir, "model.onnx")
    sha = rx.file_sha256(onnx_path) if os.path.isfile(onnx_path) else None
    path = os.path.join(run_dir, CARD_FILE)
    with open(path, "w", encoding="utf-8") as f:
        f.write(render_card(log, manifest, sha, metrics, run_dir, data))
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
