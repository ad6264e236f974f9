"""Exports full-size torchvision RetinaNet ResNet-FPN reference models (random seeded weights, 1 class,
128×128, no resizing) as ONNX in both torchvision layouts, with manifests, PyTorch's expected outputs
and the state_dict for bench_torch.py. The files are large (ResNet50 ≈ 130 MB, ResNet152 ≈ 230 MB
each): write them to a git-ignored cache, never into the repo.

    /usr/bin/python3 training/reference/export_reference_models.py --out .cache/reference-models \
        [--backbones resnet50,resnet152] [--batch 16] [--post-batch 2] [--threads 2] [--force]

Per backbone B (resnet50, resnet152) in DIR:
  B-fpn-raw.onnx  + .json + .expected.json   layout (b) raw heads, dynamic batch, ImageNet normalisation
                                             by the engine (scale 1, mean/std ImageNet)
  B-fpn-post.onnx + .json + .expected.json   layout (a) torchvision postprocessed, batch frozen at
                                             --post-batch, input grey/255 (mean 0, std 1)
  B-fpn.pt                                   state_dict of the RetinaNet (both ONNX files hold it)
  B-fpn.stamp                                script hash + settings + file sizes: a rerun skips B when it matches
Shared: reference-input.json (the grey patches of the expected outputs) and bench-input-b<batch>.f32
(the benchmark input, see retinanet_export.bench_input).

Weights: torchvision's init, BatchNorm statistics calibrated on seeded patches, and the head
re-initialised (retinanet_export.make_head_informative) so that about 2% of anchors score above the
0.05 threshold: torchvision's prior-0.01 classification bias with random weights gives no detections
(or near-tied ones), which tests nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import retinanet_export as rx  # noqa: E402

INPUT_SEED = 4321
CALIB_SEED = 98
SEEDS = {"resnet50": 50, "resnet101": 101, "resnet152": 152}
DISPLAY = {"resnet50": "ResNet50", "resnet101": "ResNet101", "resnet152": "ResNet152"}
GENERATOR = "training/reference/export_reference_models.py"
CHANNELS = ["z-1", "z", "z+1"]


def stamp_for(args, backbone: str) -> dict:
    here = os.path.dirname(os.path.abspath(__file__))
    return {
        "scriptHash": rx.scripts_hash(os.path.join(here, "retinanet_export.py"), os.path.abspath(__file__)),
        "backbone": backbone,
        "seed": SEEDS[backbone],
        "postBatch": args.post_batch,
        "versions": rx.versions(),
    }


def files_for(out: str, stem: str):
    names = [f"{stem}-raw.onnx", f"{stem}-raw.json", f"{stem}-raw.expected.json",
             f"{stem}-post.onnx", f"{stem}-post.json", f"{stem}-post.expected.json", f"{stem}.pt"]
    return [os.path.join(out, n) for n in names]


def up_to_date(out: str, stem: str, stamp: dict) -> bool:
    path = os.path.join(out, f"{stem}.stamp")
    if not os.path.exists(path):
        return False
    try:
        old = json.load(open(path))
    except ValueError:
        return False
    sizes = old.pop("sizes", {})
    if old != stamp:
        return False
    return all(os.path.exists(f) and os.path.getsize(f) == sizes.get(os.path.basename(f)) for f in files_for(out, stem))


def expected_doc(name, manifest_ref, x, outputs, dets, source, anchors=None, notes=""):
    doc = {
        "format": "dvt-reference-expected/1",
        "model": name,
        "onnx": f"{name}.onnx",
        "manifest": manifest_ref,
        "generator": GENERATOR,
        "versions": rx.versions(),
        "inputFile": "reference-input.json",
        "inputChecksums": rx.input_checksums(x, "NCHW"),
        "outputs": {k: rx.b64_tensor(v) for k, v in outputs.items()},
    }
    if anchors is not None:
        doc["anchors"] = rx.b64_tensor(anchors)
    doc["detections"] = rx.detections_json(dets)
    doc["detectionsSource"] = source
    if notes:
        doc["notes"] = notes
    return doc


def export_backbone(args, backbone: str, items, calib) -> None:
    stem = f"{backbone}-fpn"
    stamp = stamp_for(args, backbone)
    if not args.force and up_to_date(args.out, stem, stamp):
        rx.log(f"{stem}: up to date (stamp matches), skipped")
        return
    seed = SEEDS[backbone]
    display = DISPLAY[backbone]
    with rx.Timer(f"{stem}: build"):
        model = rx.build_reference_retinanet(backbone, seed)
    with rx.Timer(f"{stem}: BN calibration + head init"):
        bias = rx.prepare_weights(model, calib, seed + 1)
    n_params = sum(p.numel() for p in model.parameters())
    rx.log(f"{stem}: {n_params / 1e6:.1f} M parameters, cls bias {bias}")
    pt_path = os.path.join(args.out, f"{stem}.pt")
    with rx.Timer(f"{stem}: save state_dict"):
        torch.save(model.state_dict(), pt_path)

    x_raw = rx.patches_tensor(items, CHANNELS, 1.0, rx.IMAGENET_MEAN, rx.IMAGENET_STD)
    x_post = rx.patches_tensor(items, CHANNELS, 1.0, [0, 0, 0], [1, 1, 1])
    raw = rx.RawHeads(model).eval()
    post = rx.Postprocessed(model, args.post_batch).eval()
    post_names = rx.post_output_names(args.post_batch)
    with torch.no_grad():
        with rx.Timer(f"{stem}: PyTorch raw forward (batch {len(items)})"):
            cls, reg = raw(x_raw)
        with rx.Timer(f"{stem}: PyTorch postprocessed forward (batch {len(items)})"):
            post_out = post(x_post)
    anchors = rx.torchvision_anchors(model)
    dets = [{"boxes": post_out[3 * i], "scores": post_out[3 * i + 1], "labels": post_out[3 * i + 2]} for i in range(args.post_batch)]
    mine = rx.reference_postprocess(torch.sigmoid(cls), reg, anchors, rx.torchvision_decode(model))
    for a, b in zip(mine, dets):
        same = a["boxes"].shape == b["boxes"].shape
        rx.log(
            f"{stem}: detections {b['boxes'].shape[0]}; reference_postprocess on the raw outputs agrees: {same}"
            + (f" (max |Δbox| {(a['boxes'] - b['boxes']).abs().max().item():.1e})" if same and len(a["boxes"]) else "")
        )

    raw_name, post_name = f"{stem}-raw", f"{stem}-post"
    prov = {"seed": str(seed), "clsBias": str(bias), "stateDict": f"{stem}.pt", "generator": GENERATOR}
    with rx.Timer(f"{raw_name}: ONNX export"):
        rx.export_onnx(raw, x_raw, os.path.join(args.out, f"{raw_name}.onnx"), "images", ["cls_logits", "bbox_regression"], dynamic_batch=True)
    raw_manifest = rx.make_manifest(
        raw_name, display, f"Random-weight torchvision RetinaNet {display}-FPN, raw heads (reference for engine tests and benchmarks).",
        "images", "NCHW", 3, CHANNELS, 1.0, rx.IMAGENET_MEAN, rx.IMAGENET_STD,
        {"kind": "torchvision-raw", "classLogits": "cls_logits", "boxRegression": "bbox_regression"},
        rx.TV_ANCHORS, rx.TV_BOX_CODING, prov,
    )
    rx.write_json(os.path.join(args.out, f"{raw_name}.json"), raw_manifest)
    rx.write_json(
        os.path.join(args.out, f"{raw_name}.expected.json"),
        expected_doc(
            raw_name, f"{raw_name}.json", x_raw, {"cls_logits": cls, "bbox_regression": reg}, dets,
            "torchvision RetinaNet.forward (eval) of the same weights on grey/255 (its transform applies the same "
            "ImageNet normalisation); = sigmoid + decode + NMS of `outputs` with `anchors`",
            anchors,
        ),
    )
    with rx.Timer(f"{post_name}: ONNX export"):
        rx.export_onnx(post, x_post, os.path.join(args.out, f"{post_name}.onnx"), "images", post_names, dynamic_batch=False)
    images = [{"boxes": f"boxes_{i}", "scores": f"scores_{i}", "labels": f"labels_{i}"} for i in range(args.post_batch)]
    post_manifest = rx.make_manifest(
        post_name, display,
        f"Random-weight torchvision RetinaNet {display}-FPN exported with its postprocessing, batch {args.post_batch} "
        "(reference for engine tests and benchmarks).",
        "images", "NCHW", 3, CHANNELS, 1.0, [0.0, 0.0, 0.0], [1.0, 1.0, 1.0],
        {"kind": "torchvision-postprocessed", "images": images}, provenance=prov,
    )
    rx.write_json(os.path.join(args.out, f"{post_name}.json"), post_manifest)
    rx.write_json(
        os.path.join(args.out, f"{post_name}.expected.json"),
        expected_doc(
            post_name, f"{post_name}.json", x_post, dict(zip(post_names, post_out)), dets,
            "the exported module itself (RetinaNet.forward, eval) on the input tensor",
            notes=f"same weights and patches as {raw_name}: its detections are the same",
        ),
    )
    sizes = {os.path.basename(f): os.path.getsize(f) for f in files_for(args.out, stem)}
    for k, v in sizes.items():
        rx.log(f"  {k}: {v / 1e6:.1f} MB")
    rx.write_json(os.path.join(args.out, f"{stem}.stamp"), {**stamp, "sizes": sizes})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder (a git-ignored cache, e.g. .cache/reference-models)")
    ap.add_argument("--backbones", default="resnet50,resnet152")
    ap.add_argument("--batch", type=int, default=16, help="batch of the benchmark input file bench-input-b<batch>.f32")
    ap.add_argument("--post-batch", type=int, default=2, help="frozen batch of the postprocessed export and of the expected outputs")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--force", action="store_true", help="re-export even when the stamp matches")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    rx.log(f"torch {torch.__version__}, torchvision {rx.torchvision.__version__}, threads {args.threads}, out {args.out}")

    items = rx.phantom_patches(INPUT_SEED, args.post_batch)
    calib = rx.phantom_patches(CALIB_SEED, 8)
    rx.write_json(
        os.path.join(args.out, "reference-input.json"),
        rx.input_json(items, INPUT_SEED, "retinanet_export.phantom_patches(seed, batch)"),
    )
    bench_path = os.path.join(args.out, f"bench-input-b{args.batch}.f32")
    x = rx.bench_input(args.batch)
    if not (os.path.exists(bench_path) and np.array_equal(np.fromfile(bench_path, dtype="<f4"), x.numpy().reshape(-1))):
        x.numpy().astype("<f4").tofile(bench_path)
    rx.log(f"bench input {list(x.shape)} float32 NCHW → {bench_path}")

    for backbone in [b.strip() for b in args.backbones.split(",") if b.strip()]:
        if backbone not in SEEDS:
            raise SystemExit(f"unknown backbone {backbone} (one of {', '.join(SEEDS)})")
        with rx.Timer(f"{backbone}-fpn: total"):
            export_backbone(args, backbone, items, calib)


if __name__ == "__main__":
    main()
