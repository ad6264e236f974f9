"""Makes the tiny committed test models in test/fixtures/models/ (random seeded weights, a few KB each)
and PyTorch's outputs on fixed grey patches, for fast engine tests.

    /usr/bin/python3 training/reference/make_tiny_models.py [--out test/fixtures/models]

Models (all 128×128, 1 class 'DVT', 5 levels P3–P7, 9 anchors per cell → A = 3069):
  tiny-tv-raw-3slice   torchvision raw heads, NCHW, ImageNet normalisation by the engine, dynamic batch,
                       channels z-1, z, z+1; sidecar manifest tiny-tv-raw-3slice.json
  tiny-tv-raw-1slice   same, other weights, slices 1 (z, z, z); manifest embedded in metadata_props
  tiny-tv-post         torchvision's postprocessed export of the SAME weights as tiny-tv-raw-3slice
                       (batch frozen at 2, input 0…1, normalisation inside the graph)
  tiny-keras-raw       keras-retinanet conventions: NHWC 0…255 minus caffe means, outputs regression /
                       classification (sigmoid), keras anchors and box coding; channels z+1, z, z-1 (BGR
                       order of a z-1/z/z+1 RGB image read by cv2)
Plus tiny-input.json (the grey patches) and <name>.expected.json per model (see README.md).
"""

from __future__ import annotations

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import retinanet_export as rx  # noqa: E402
import keras_retinanet_reference as krr  # noqa: E402

INPUT_SEED = 1234
CALIB_SEED = 99
BATCH = 2
GENERATOR = "training/reference/make_tiny_models.py"
TV_CHANNELS = ["z-1", "z", "z+1"]
KERAS_CHANNELS = ["z+1", "z", "z-1"]


def expected_doc(name, manifest_ref, items_x, layout, outputs, detections, detections_source, anchors=None, notes=""):
    doc = {
        "format": "dvt-reference-expected/1",
        "model": name,
        "onnx": f"{name}.onnx",
        "manifest": manifest_ref,
        "generator": GENERATOR,
        "versions": rx.versions(),
        "inputFile": "tiny-input.json",
        "inputChecksums": rx.input_checksums(items_x, layout),
        "outputs": {k: rx.b64_tensor(v) for k, v in outputs.items()},
    }
    if anchors is not None:
        doc["anchors"] = rx.b64_tensor(anchors)
    doc["detections"] = rx.detections_json(detections)
    doc["detectionsSource"] = detections_source
    if notes:
        doc["notes"] = notes
    return doc


def tv_raw(out_dir, name, seed, items, calib, slices, channels, embed):
    model = rx.build_tiny_retinanet(seed)
    bias = rx.prepare_weights(model, calib, seed + 1)
    x = rx.patches_tensor(items, channels, 1.0, rx.IMAGENET_MEAN, rx.IMAGENET_STD)
    raw = rx.RawHeads(model).eval()
    with torch.no_grad():
        cls, reg = raw(x)
        dets = model([im for im in rx.patches_tensor(items, channels, 1.0, [0, 0, 0], [1, 1, 1])])
    anchors = rx.torchvision_anchors(model)
    # our reading of torchvision's postprocess must give the same detections
    mine = rx.reference_postprocess(torch.sigmoid(cls), reg, anchors, rx.torchvision_decode(model))
    for a, b in zip(mine, dets):
        assert a["boxes"].shape == b["boxes"].shape, "postprocess mismatch (count)"
        db, ds = (a["boxes"] - b["boxes"]).abs().max().item(), (a["scores"] - b["scores"]).abs().max().item()
        assert db < 1e-3 and ds < 1e-5, f"postprocess mismatch {db} {ds}"
        rx.log(f"  own postprocess vs torchvision: max |Δbox| {db:.2e}, max |Δscore| {ds:.2e}")
    onnx_path = os.path.join(out_dir, f"{name}.onnx")
    rx.export_onnx(raw, x, onnx_path, "images", ["cls_logits", "bbox_regression"], dynamic_batch=True)
    rx.compact_onnx_names(onnx_path)
    manifest = rx.make_manifest(
        name, "tiny-conv-fpn", f"Tiny random torchvision RetinaNet, raw heads, {slices}-slice (test fixture).",
        "images", "NCHW", slices, channels, 1.0, rx.IMAGENET_MEAN, rx.IMAGENET_STD,
        {"kind": "torchvision-raw", "classLogits": "cls_logits", "boxRegression": "bbox_regression"},
        rx.TV_ANCHORS, rx.TV_BOX_CODING, {"seed": str(seed), "clsBias": str(bias), "generator": GENERATOR},
    )
    if embed:
        rx.embed_manifest(onnx_path, manifest)
        ref = f"embedded:{rx.MANIFEST_METADATA_KEY}"
    else:
        rx.write_json(os.path.join(out_dir, f"{name}.json"), manifest)
        ref = f"{name}.json"
    doc = expected_doc(
        name, ref, x, "NCHW", {"cls_logits": cls, "bbox_regression": reg}, dets,
        "torchvision RetinaNet.forward (eval) with the same weights on grey/255 (its transform applies the "
        "same ImageNet normalisation); equal to sigmoid + decode + NMS of `outputs` with `anchors`",
        anchors,
    )
    rx.write_json(os.path.join(out_dir, f"{name}.expected.json"), doc)
    rx.log(f"{name}: clsBias {bias}, detections per image {[len(d['scores']) for d in dets]}")
    return model


def tv_post(out_dir, name, model, items, source_name):
    x = rx.patches_tensor(items, TV_CHANNELS, 1.0, [0, 0, 0], [1, 1, 1])
    post = rx.Postprocessed(model, BATCH).eval()
    names = rx.post_output_names(BATCH)
    with torch.no_grad():
        outs = post(x)
    onnx_path = os.path.join(out_dir, f"{name}.onnx")
    rx.export_onnx(post, x, onnx_path, "images", names, dynamic_batch=False)
    rx.compact_onnx_names(onnx_path)
    images = [{"boxes": f"boxes_{i}", "scores": f"scores_{i}", "labels": f"labels_{i}"} for i in range(BATCH)]
    manifest = rx.make_manifest(
        name, "tiny-conv-fpn",
        f"Tiny random torchvision RetinaNet exported with its postprocessing, batch {BATCH} (test fixture); "
        f"same weights as {source_name}.",
        "images", "NCHW", 3, TV_CHANNELS, 1.0, [0.0, 0.0, 0.0], [1.0, 1.0, 1.0],
        {"kind": "torchvision-postprocessed", "images": images}, provenance={"sameWeightsAs": source_name, "generator": GENERATOR},
    )
    rx.write_json(os.path.join(out_dir, f"{name}.json"), manifest)
    dets = [{"boxes": outs[3 * i], "scores": outs[3 * i + 1], "labels": outs[3 * i + 2]} for i in range(BATCH)]
    doc = expected_doc(
        name, f"{name}.json", x, "NCHW", dict(zip(names, outs)), dets,
        "the exported module itself (RetinaNet.forward, eval) on the input tensor",
        notes=f"same weights and patches as {source_name}: its detections are the same",
    )
    rx.write_json(os.path.join(out_dir, f"{name}.expected.json"), doc)


def keras_raw(out_dir, name, seed, items, calib):
    torch.manual_seed(seed)
    backbone = rx.TinyBackbone(8, p6p7_from_c5=True)
    head = rx.RetinaNetHead(8, 9, len(rx.CLASS_NAMES))
    module = rx.KerasStyle(backbone, head).eval()
    xc = rx.patches_tensor(calib, KERAS_CHANNELS, 255.0, rx.CAFFE_BGR_MEAN, [1, 1, 1], layout="NHWC")
    with torch.no_grad():
        feats = list(backbone(xc.permute(0, 3, 1, 2)).values())
    bias = rx.make_head_informative(head, feats, seed + 1)
    x = rx.patches_tensor(items, KERAS_CHANNELS, 255.0, rx.CAFFE_BGR_MEAN, [1, 1, 1], layout="NHWC")
    with torch.no_grad():
        reg, cls = module(x)
    anchors = rx.keras_anchors()
    # keras-retinanet's own postprocessing (RegressBoxes, ClipBoxes, filter_detections), ported in
    # keras_retinanet_reference.py, is what a keras-layout model's detections must match.
    dets = []
    for i in range(x.shape[0]):
        b, s, l = krr.decode(
            anchors.numpy().astype("float32"), reg[i].numpy(), cls[i].numpy(), rx.PATCH_SIZE, std=[0.2] * 4
        )
        dets.append({"boxes": torch.from_numpy(b), "scores": torch.from_numpy(s), "labels": torch.from_numpy(l)})
    onnx_path = os.path.join(out_dir, f"{name}.onnx")
    rx.export_onnx(module, x, onnx_path, "input_1", ["regression", "classification"], dynamic_batch=True)
    rx.compact_onnx_names(onnx_path)
    manifest = rx.make_manifest(
        name, "tiny-conv-fpn",
        "Tiny random model in keras-retinanet's conventions (NHWC, caffe means, sigmoid in graph) (test fixture).",
        "input_1", "NHWC", 3, KERAS_CHANNELS, 255.0, rx.CAFFE_BGR_MEAN, [1.0, 1.0, 1.0],
        {"kind": "keras-retinanet-raw", "regression": "regression", "classification": "classification"},
        rx.KERAS_ANCHORS, rx.KERAS_BOX_CODING, {"seed": str(seed), "clsBias": str(bias), "generator": GENERATOR},
    )
    rx.write_json(os.path.join(out_dir, f"{name}.json"), manifest)
    doc = expected_doc(
        name, f"{name}.json", x, "NHWC", {"regression": reg, "classification": cls}, dets,
        "keras_retinanet_reference.decode (a numpy port of keras-retinanet's RegressBoxes, ClipBoxes and "
        "filter_detections: score > 0.05, class-wise NMS 0.5, best 300, boxes clipped to [0, 127])",
        anchors,
    )
    rx.write_json(os.path.join(out_dir, f"{name}.expected.json"), doc)
    rx.log(f"{name}: clsBias {bias}, detections per image {[len(d['scores']) for d in dets]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.normpath(os.path.join(here, "..", "..", "test", "fixtures", "models")))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)

    items = rx.phantom_patches(INPUT_SEED, BATCH)
    calib = rx.phantom_patches(CALIB_SEED, 4)
    rx.write_json(
        os.path.join(args.out, "tiny-input.json"),
        rx.input_json(items, INPUT_SEED, "retinanet_export.phantom_patches(seed, batch)"),
    )
    with rx.Timer("tiny-tv-raw-3slice"):
        model3 = tv_raw(args.out, "tiny-tv-raw-3slice", 11, items, calib, 3, TV_CHANNELS, embed=False)
    with rx.Timer("tiny-tv-raw-1slice"):
        tv_raw(args.out, "tiny-tv-raw-1slice", 21, items, calib, 1, ["z", "z", "z"], embed=True)
    with rx.Timer("tiny-tv-post"):
        tv_post(args.out, "tiny-tv-post", model3, items, "tiny-tv-raw-3slice")
    with rx.Timer("tiny-keras-raw"):
        keras_raw(args.out, "tiny-keras-raw", 31, items, calib)
    for f in sorted(os.listdir(args.out)):
        rx.log(f"  {f}: {os.path.getsize(os.path.join(args.out, f)) / 1024:.1f} KB")


if __name__ == "__main__":
    main()
