"""PyTorch CPU baseline for the inference benchmark: the raw-head forward (backbone + FPN + heads, no
postprocessing; what the ONNX `*-fpn-raw` model computes) of the reference models made by
export_reference_models.py, on the same input tensor the Node bench feeds onnxruntime.

    /usr/bin/python3 training/reference/bench_torch.py --state .cache/reference-models \
        [--backbones resnet50,resnet152] [--batch 16] [--threads 2] [--repeats 5] [--input FILE]

--input: raw little-endian float32, NCHW [batch, 3, 128, 128], already normalised. Default:
STATE/bench-input-b<batch>.f32 when present, else the same tensor generated (retinanet_export.bench_input:
grey = hash of the flat NCHW index, ImageNet normalisation).
Prints one JSON line per backbone: {backbone, batch, threads, msPerBatchMedian, patchesPerSecond,
torchVersion, ...}; timings go to stderr-free stdout so the lines can be parsed as they come.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import retinanet_export as rx  # noqa: E402
from export_reference_models import SEEDS  # noqa: E402


def load_input(args) -> tuple[torch.Tensor, str]:
    path = args.input or os.path.join(args.state, f"bench-input-b{args.batch}.f32")
    shape = (args.batch, 3, rx.PATCH_SIZE, rx.PATCH_SIZE)
    if os.path.exists(path):
        a = np.fromfile(path, dtype="<f4")
        if a.size != int(np.prod(shape)):
            raise SystemExit(f"{path}: {a.size} floats, expected {int(np.prod(shape))} for {list(shape)}")
        return torch.from_numpy(a.reshape(shape).astype(np.float32)), path
    if args.input:
        raise SystemExit(f"{path}: not found")
    return rx.bench_input(args.batch), "generated (retinanet_export.bench_input)"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--state", required=True, help="folder of export_reference_models.py (holds <backbone>-fpn.pt)")
    ap.add_argument("--backbones", default="resnet50,resnet152")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--input", default=None, help="raw float32 NCHW input file")
    ap.add_argument(
        "--flush-denormal",
        action="store_true",
        help="torch.set_flush_denormal(True): random weights give denormal activations, which PyTorch's CPU kernels "
        "otherwise compute slowly (onnxruntime's are hardly affected)",
    )
    ap.add_argument("--dump-outputs", default=None, help="folder: write <backbone>-fpn-raw-b<batch>.{cls_logits,bbox_regression}.f32")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.set_flush_denormal(args.flush_denormal)
    x, source = load_input(args)

    for backbone in [b.strip() for b in args.backbones.split(",") if b.strip()]:
        if backbone not in SEEDS:
            raise SystemExit(f"unknown backbone {backbone}")
        pt = os.path.join(args.state, f"{backbone}-fpn.pt")
        model = rx.build_reference_retinanet(backbone, SEEDS[backbone])
        model.load_state_dict(torch.load(pt, map_location="cpu"))
        raw = rx.RawHeads(model).eval()
        times = []
        with torch.inference_mode():
            cls, reg = raw(x)  # warm-up
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                raw(x)
                times.append((time.perf_counter() - t0) * 1000.0)
        if args.dump_outputs:
            os.makedirs(args.dump_outputs, exist_ok=True)
            stem = os.path.join(args.dump_outputs, f"{backbone}-fpn-raw-b{args.batch}")
            cls.numpy().astype("<f4").tofile(f"{stem}.cls_logits.f32")
            reg.numpy().astype("<f4").tofile(f"{stem}.bbox_regression.f32")
        med = statistics.median(times)
        print(
            json.dumps(
                {
                    "backbone": backbone,
                    "batch": args.batch,
                    "threads": args.threads,
                    "msPerBatchMedian": round(med, 2),
                    "patchesPerSecond": round(args.batch * 1000.0 / med, 2),
                    "torchVersion": torch.__version__,
                    "repeats": args.repeats,
                    "msPerBatchMin": round(min(times), 2),
                    "input": source,
                    "flushDenormal": args.flush_denormal,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
