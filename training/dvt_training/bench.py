"""Training-step time and ONNX size per backbone, width and FPN width, to choose the shipped demo models:

    /usr/bin/python3 -m dvt_training.bench [--backbones resnet50,resnet152] [--widths 16,64] [--fpn 64,256]
        [--batch 16] [--threads 2] [--steps 3] [--device cpu|cuda] [--out results.json]

One step = RetinaNet's losses on a batch of 128×128 patches (half with one box, half negatives), backward
and an Adam update, as `dvt_training.train` runs it. After one warm-up step, the fastest and the median
of `--steps` steps are reported with the load average around them: on a shared machine other work
slows some steps several-fold, and the fastest step is the best estimate of the uncontended cost. The
CPU time per step (all threads, median) is reported too: it hardly changes under contention. The
ONNX file is the exported raw-head graph with its manifest. One JSON line per configuration on stdout,
all of them in --out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import torch

from .export import build_manifest, export_model
from .model import backbone_label, build_retinanet, count_params, detection_losses, model_name


def synthetic_batch(batch: int, size: int = 128, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    images = torch.rand(batch, 3, size, size, generator=g)
    targets = []
    for i in range(batch):
        if i % 2 == 0:
            x, y = torch.randint(16, size - 40, (2,), generator=g).tolist()
            targets.append({"boxes": torch.tensor([[x, y, x + 14.0, y + 12.0]]), "labels": torch.tensor([0])})
        else:
            targets.append({"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.int64)})
    return images, targets


def bench_one(backbone: str, width: int, fpn: int, batch: int, steps: int, device: torch.device) -> dict:
    model = build_retinanet(backbone, 1, width, fpn).to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    images, targets = synthetic_batch(batch)
    images = images.to(device)
    targets = [{k: v.to(device) for k, v in t.items()} for t in targets]
    times, cpu = [], []
    load_before = os.getloadavg()[0]
    for i in range(steps + 1):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0, c0 = time.perf_counter(), time.process_time()
        losses = detection_losses(model, images, targets)
        loss = losses["classification"] + losses["bbox_regression"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        if i > 0:
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    model.eval()
    name = model_name(backbone, "3slice", width, fpn)
    manifest = build_manifest(name, backbone_label(backbone, width, fpn), "benchmark (untrained)", "3slice", ["DVT"],
                              128, 0.695, {"level": 140, "width": 400})
    with tempfile.TemporaryDirectory() as tmp:
        size = os.path.getsize(export_model(model, tmp, manifest))
    step = statistics.median(times)
    return {"loadAverage": [round(load_before, 2), round(os.getloadavg()[0], 2)], "stepSecondsMin": round(min(times), 3),
        "cpuSecondsPerStep": round(statistics.median(cpu), 3),
        "model": name, "backbone": backbone, "width": width, "fpnChannels": fpn, "parameters": count_params(model),
        "batch": batch, "device": str(device), "threads": torch.get_num_threads(), "stepSecondsMedian": round(step, 3),
        "stepSecondsAll": [round(t, 3) for t in times], "patchesPerSecond": round(batch / min(times), 2),
        "onnxBytes": size, "onnxMB": round(size / 1e6, 2),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dvt_training.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbones", default="resnet50,resnet152")
    ap.add_argument("--widths", default="16,64")
    ap.add_argument("--fpn", default="64,256")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    results = []
    for backbone in args.backbones.split(","):
        for width in (int(w) for w in args.widths.split(",")):
            for fpn in (int(f) for f in args.fpn.split(",")):
                r = bench_one(backbone, width, fpn, args.batch, args.steps, device)
                print(json.dumps(r), flush=True)
                results.append(r)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
