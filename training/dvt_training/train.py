"""Trains RetinaNet (ResNet50/ResNet152 FPN) on a workstation patch set, the paper's way, and exports it
for the engine.

    /usr/bin/python3 -m dvt_training.train --patches DIR --backbone resnet50|resnet152 --input 1slice|3slice \\
        --out DIR (--fold K | --all-folds | --train-all [--val-fold V]) [--epochs 100] [--batch 16] [--lr 1e-4] \\
        [--width 64] [--fpn-channels 256] [--seed 0] [--device cpu|cuda] [--threads N] [--max-steps N] \\
        [--max-shift 0] [--no-flip] [--name NAME] [--expected N]

Splits (by patient, from each patch's fold): --fold K tests on fold K, validates on (K + 1) mod k and
trains on the rest; --all-folds runs every K into OUT/fold-K; --train-all trains on every fold but the
validation fold (no test fold: the shipped demo models).

Writes into OUT: model.onnx (+ model.json), training-log.json / .csv, weights.pt (best state_dict, for
reuse; not for shipping), card.md, and with a test fold test-run.json (the fold's predictions as a
native annotation set). --expected N also writes expected.json / expected-input.json (PyTorch's outputs
on N patches) for the engine comparison test.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import platform
import random
import sys
import time
from typing import Dict, List, Optional

# Deterministic cuBLAS needs this before CUDA starts (harmless on CPU).
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

from . import GENERATOR  # noqa: E402
from .card import write_card  # noqa: E402
from .data import Augment, PatchTensors, batch_order, load_patches, make_batch  # noqa: E402
from .expected import write_expected  # noqa: E402
from .export import build_manifest, export_model  # noqa: E402
from .model import backbone_label, build_retinanet, count_params, detection_losses, model_name  # noqa: E402
from .patchset import PatchSet, PatchSetError, Split, fold_split, load_patch_set  # noqa: E402
from .predict import MERGE_IOU, annotation_set, iso_now, predict_patches, series_runs  # noqa: E402
from .reference import rx  # noqa: E402

PLATEAU_FACTOR = 0.1
PLATEAU_PATIENCE = 15
DETERMINISM_NOTE = (
    "seeded (torch, numpy, random; per-epoch shuffling and augmentation from numpy's generator on (seed, epoch)) "
    "with torch.use_deterministic_algorithms(True, warn_only=True): reruns with the same seed, thread count, "
    "device and torch build give the same weights on CPU; a different thread count or a GPU may differ in the "
    "last bits, and a few CUDA kernels (FPN upsampling backward) have no deterministic version (warned, not stopped)."
)
CSV_FIELDS = ["epoch", "train_loss", "train_classification", "train_box_regression", "val_loss", "val_classification",
              "val_box_regression", "lr", "seconds", "steps", "best"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False


def pick_device(name: str) -> torch.device:
    if name == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit("--device cuda: no CUDA device is available to this torch build")
        return torch.device("cuda")
    if name != "cpu":
        raise SystemExit(f"--device must be cpu or cuda, not {name!r}")
    return torch.device("cpu")


def hardware(device: torch.device) -> Dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    dev = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    return {"device": dev, "cpu": cpu, "cpuCount": os.cpu_count(), "platform": platform.platform()}


def split_summary(ps: PatchSet, folds, data: Optional[PatchTensors]) -> Dict:
    n = len(data) if data is not None else 0
    pos = data.positives if data is not None else 0
    return {"folds": list(folds), "patients": len(ps.patients_in(folds)), "patches": n, "positives": pos, "negatives": n - pos}


@torch.no_grad()
def mean_losses(model, data: PatchTensors, batch: int, device: torch.device) -> Dict[str, float]:
    """Validation losses with BatchNorm in eval mode, averaged over patches."""
    model.eval()
    sums = {"classification": 0.0, "bbox_regression": 0.0}
    for idx in batch_order(len(data), batch, None):
        images, targets = make_batch(data, idx, None, None)
        losses = detection_losses(model, images.to(device), [{k: v.to(device) for k, v in t.items()} for t in targets])
        for k in sums:
            sums[k] += float(losses[k]) * len(idx)
    out = {k: v / max(1, len(data)) for k, v in sums.items()}
    out["loss"] = out["classification"] + out["bbox_regression"]
    return out


def write_log(out_dir: str, doc: Dict) -> None:
    rx.write_json(os.path.join(out_dir, "training-log.json"), doc)
    with open(os.path.join(out_dir, "training-log.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        for e in doc["epochs"]:
            w.writerow({
                "epoch": e["epoch"], "train_loss": e["train"]["loss"], "train_classification": e["train"]["classification"],
                "train_box_regression": e["train"]["bbox_regression"], "val_loss": e["val"]["loss"],
                "val_classification": e["val"]["classification"], "val_box_regression": e["val"]["bbox_regression"],
                "lr": e["lr"], "seconds": round(e["seconds"], 3), "steps": e["steps"], "best": int(e["best"]),
            })


def train_run(ps: PatchSet, args, split: Split, out_dir: str, fold: Optional[int]) -> Dict:
    t_start = time.perf_counter()
    os.makedirs(out_dir, exist_ok=True)
    seed_everything(args.seed)
    device = pick_device(args.device)
    form = args.input
    if form not in ps.manifest["patch"]["inputs"]:
        raise SystemExit(f"the patch set has no {form} patches (inputs: {ps.manifest['patch']['inputs']})")

    if ps.jitter_px == 0 and args.max_shift == 0:
        log("note: the patches were cut without jitter (jitterPx 0) and --max-shift is 0: every target sits at the "
            "patch centre; consider --max-shift")
    log(f"{split.describe()}; reading {form} patches")
    train = load_patches(ps, ps.entries_in(split.train), form)
    val = load_patches(ps, ps.entries_in(split.val), form)
    test = load_patches(ps, ps.entries_in(split.test), form) if split.test else None
    if len(train) == 0 or len(val) == 0:
        raise SystemExit(f"empty split: {len(train)} training and {len(val)} validation patches ({split.describe()})")
    log(f"patches: train {len(train)} ({train.positives} with boxes), validation {len(val)}"
        + (f", test {len(test)}" if test is not None else ""))

    name = args.name or model_name(args.backbone, form, args.width, args.fpn_channels, fold)
    model = build_retinanet(args.backbone, len(ps.classes), args.width, args.fpn_channels, ps.size, seed=args.seed,
                            anchor_sizes=args.anchor_sizes).to(device)
    params = count_params(model)
    log(f"{name}: {params:,} parameters on {device}")
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=PLATEAU_FACTOR, patience=PLATEAU_PATIENCE)
    augment = Augment(flip=not args.no_flip, max_shift=args.max_shift, min_box_fraction=float(ps.manifest["patch"]["minBoxFraction"]))

    settings = {
        "backbone": args.backbone, "input": form, "width": args.width, "fpnChannels": args.fpn_channels,
        "parameters": params, "anchors": sum(rx.level_anchor_counts(ps.size)), "anchorSizes": list(args.anchor_sizes),
        "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
        "optimizer": "Adam (β1 0.9, β2 0.999, ε 1e-8, no weight decay)",
        "scheduler": f"learning rate × {PLATEAU_FACTOR} when the validation loss has not improved for {PLATEAU_PATIENCE} epochs "
                     "(ReduceLROnPlateau, relative threshold 1e-4)",
        "seed": args.seed, "device": str(device), "threads": torch.get_num_threads(), "maxSteps": args.max_steps,
        "augment": augment.describe(), "fold": fold, "valFold": split.val[0],
    }
    m = ps.manifest
    doc = {
        "format": "dvt-training-log", "version": 1, "generator": GENERATOR, "model": name,
        "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__, "python": platform.python_version()},
        "settings": settings,
        "data": {
            "patchSet": ps.root, "generator": m["generator"], "exportedAt": m["exportedAt"],
            "source": f"reader {m['source']['reader']}" if m["source"]["kind"] == "reader" else "the reference truth",
            "deidentified": m["deidentified"], "classes": ps.classes, "jitterPx": ps.jitter_px, "k": ps.k, "foldsSource": m["folds"]["source"],
            "foldsSeed": m["folds"]["seed"], "split": split.describe(),
            "splits": {"train": split_summary(ps, split.train, train), "validation": split_summary(ps, split.val, val),
                       **({"test": split_summary(ps, split.test, test)} if test is not None else {})},
        },
        "hardware": hardware(device), "determinism": DETERMINISM_NOTE,
        "epochs": [], "best": None, "steps": 0, "trainSeconds": 0.0, "totalSeconds": 0.0,
    }

    best_loss, best_state, steps, t_train = math.inf, None, 0, time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        rng = np.random.default_rng([args.seed, epoch])
        model.train()
        sums, seen, epoch_steps = {"classification": 0.0, "bbox_regression": 0.0}, 0, 0
        for idx in batch_order(len(train), args.batch, rng):
            images, targets = make_batch(train, idx, augment, rng)
            targets = [{k: v.to(device) for k, v in t.items()} for t in targets]
            losses = detection_losses(model, images.to(device), targets)
            loss = losses["classification"] + losses["bbox_regression"]
            if not torch.isfinite(loss):
                raise SystemExit(f"epoch {epoch} step {steps + 1}: the loss is {float(loss)} (try a lower --lr)")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            for k in sums:
                sums[k] += float(losses[k]) * len(idx)
            seen += len(idx)
            steps += 1
            epoch_steps += 1
            if args.max_steps and steps >= args.max_steps:
                break
        tr = {k: v / max(1, seen) for k, v in sums.items()}
        tr["loss"] = tr["classification"] + tr["bbox_regression"]
        va = mean_losses(model, val, args.batch, device)
        scheduler.step(va["loss"])
        improved = va["loss"] < best_loss
        if improved:
            best_loss = va["loss"]
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            doc["best"] = {"epoch": epoch, "valLoss": va["loss"]}
        seconds = time.perf_counter() - t0
        doc["epochs"].append({"epoch": epoch, "train": tr, "val": va, "lr": optimizer.param_groups[0]["lr"],
                              "seconds": seconds, "steps": epoch_steps, "best": improved})
        doc["steps"], doc["trainSeconds"] = steps, time.perf_counter() - t_train
        write_log(out_dir, doc)
        log(f"epoch {epoch}/{args.epochs}: train {tr['loss']:.4f} (cls {tr['classification']:.4f}, box {tr['bbox_regression']:.4f}), "
            f"val {va['loss']:.4f}{' *' if improved else ''}, lr {optimizer.param_groups[0]['lr']:.1e}, "
            f"{epoch_steps} steps, {seconds:.1f} s")
        if args.max_steps and steps >= args.max_steps:
            log(f"--max-steps {args.max_steps} reached")
            break

    model.load_state_dict(best_state)
    model.eval()
    description = (
        f"RetinaNet {backbone_label(args.backbone, args.width, args.fpn_channels)}, {form} input, trained by {GENERATOR} on "
        f"{len(train)} patches of {doc['data']['splits']['train']['patients']} patients ({split.describe()}); best validation "
        f"loss {best_loss:.4f} at epoch {doc['best']['epoch']}."
    )
    manifest = build_manifest(
        name, backbone_label(args.backbone, args.width, args.fpn_channels), description, form, ps.classes, ps.size,
        ps.manifest["patch"]["pixelSpacingMm"], ps.window,
        mean=model.transform.image_mean, std=model.transform.image_std, anchor_sizes=args.anchor_sizes,
        provenance={"fold": "none" if fold is None else str(fold), "split": split.describe(), "seed": str(args.seed),
                    "patchSet": m["exportedAt"] + " " + m["generator"], "epochs": str(len(doc["epochs"])),
                    "bestEpoch": str(doc["best"]["epoch"]), "valLoss": f"{best_loss:.6g}"},
    )
    onnx_path = export_model(model, out_dir, manifest)
    sha = rx.file_sha256(onnx_path)
    torch.save({"generator": GENERATOR, "settings": settings, "manifest": manifest, "state_dict": best_state},
               os.path.join(out_dir, "weights.pt"))
    log(f"model.onnx: {os.path.getsize(onnx_path) / 1e6:.2f} MB, sha256 {sha[:12]}…")

    if test is not None:
        started = iso_now()
        dets = predict_patches(model, test, args.batch, device)
        finished = iso_now()
        provider = "pytorch-cuda" if device.type == "cuda" else "pytorch-cpu"
        run_params = {
            "provider": "cuda" if device.type == "cuda" else "cpu", "batchSize": args.batch, "threads": settings["threads"],
            "mergeIouThreshold": MERGE_IOU, "unit": "patches", "input": form, "testFold": fold,
            "scoreThreshold": rx.DEFAULT_POSTPROCESS["scoreThreshold"], "patchSetExportedAt": m["exportedAt"],
        }
        runs = series_runs(test.entries, dets, ps.classes, name, sha, provider, run_params, started, finished)
        rx.write_json(os.path.join(out_dir, "test-run.json"), annotation_set(ps.classes, m["deidentified"], runs))
        log(f"test-run.json: {len(runs)} series, {sum(len(r['predictions']) for r in runs)} predictions")
    if args.expected:
        data = test if test is not None else val
        write_expected(model, manifest, data, form, out_dir, args.expected)

    doc["totalSeconds"] = time.perf_counter() - t_start
    write_log(out_dir, doc)
    write_card(out_dir)
    log(f"done in {doc['totalSeconds']:.1f} s → {out_dir}")
    return doc


def _anchor_sizes(text: str) -> tuple:
    try:
        sizes = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"anchor sizes are comma-separated integers, not {text!r}")
    if len(sizes) != len(rx.PYRAMID_STRIDES) or min(sizes) <= 0:
        raise argparse.ArgumentTypeError(f"give {len(rx.PYRAMID_STRIDES)} positive sizes (P3…P7), not {text!r}")
    return sizes


def parse_args(argv: Optional[List[str]] = None):
    ap = argparse.ArgumentParser(prog="python -m dvt_training.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patches", required=True, help="patch set folder (manifest.json)")
    ap.add_argument("--backbone", required=True, choices=["resnet50", "resnet152"])
    ap.add_argument("--input", required=True, choices=["1slice", "3slice"])
    ap.add_argument("--out", required=True, help="output folder")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--fold", type=int, help="test fold K (validation fold (K + 1) mod k)")
    mode.add_argument("--all-folds", action="store_true", help="every fold K in turn, into OUT/fold-K")
    mode.add_argument("--train-all", action="store_true", help="no test fold: train on all folds but --val-fold")
    ap.add_argument("--val-fold", type=int, default=0, help="validation fold with --train-all (default 0)")
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--width", type=int, default=64, help="ResNet base planes (64: torchvision's full width)")
    ap.add_argument("--fpn-channels", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--anchor-sizes", type=_anchor_sizes, default=tuple(rx.PYRAMID_SIZES),
                    help="base anchor size of P3…P7 in pixels (default torchvision's 32,64,128,256,512)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after N optimizer steps (0: no limit)")
    ap.add_argument("--max-shift", type=int, default=0, help="random translation augmentation, pixels (default 0)")
    ap.add_argument("--no-flip", action="store_true", help="no horizontal-flip augmentation")
    ap.add_argument("--name", help="model name (default e.g. retinanet-resnet50-w16-3slice-fold0)")
    ap.add_argument("--expected", type=int, default=0, help="also write PyTorch's outputs on N patches (expected.json)")
    args = ap.parse_args(argv)
    for flag in ("epochs", "batch", "width", "fpn_channels"):
        if getattr(args, flag) < 1:
            ap.error(f"--{flag.replace('_', '-')} must be at least 1")
    if args.lr <= 0:
        ap.error("--lr must be positive")
    return args


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    try:
        ps = load_patch_set(args.patches)
        if args.all_folds:
            if args.name:
                raise ValueError("--name names one model; --all-folds makes k of them")
            jobs = [(fold_split(ps.k, k), os.path.join(args.out, f"fold-{k}"), k) for k in range(ps.k)]
        elif args.fold is not None:
            jobs = [(fold_split(ps.k, args.fold), args.out, args.fold)]
        else:
            jobs = [(fold_split(ps.k, None, args.val_fold), args.out, None)]
    except (PatchSetError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    log(f"{GENERATOR}: patch set {ps.root}: {len(ps.entries)} patches, {len(ps.manifest['patients'])} patients, k = {ps.k}")
    for split, out_dir, fold in jobs:
        try:
            train_run(ps, args, split, out_dir, fold)
        except PatchSetError as err:  # a missing or unreadable patch file
            print(f"error: {err}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
