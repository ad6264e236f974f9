"""Export: the ONNX graph is valid, carries the manifest, and the manifest satisfies
src/shared/model/manifest.ts (checked here field by field; the TypeScript smoke test parses it with the
zod schema itself and runs the graph in onnxruntime, which Python here does not have)."""

import json
import math
import os
import re

import onnx
import pytest
import torch

from dvt_training.export import build_manifest, export_model
from dvt_training.model import build_retinanet
from dvt_training.reference import rx

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")


def manifest_faults(m):
    """The rules of ModelManifest (schemaVersion 1) that a torchvision-raw manifest can break."""
    f = []
    num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)  # noqa: E731
    if m.get("schemaVersion") != 1:
        f.append("schemaVersion")
    if not (isinstance(m.get("name"), str) and 1 <= len(m["name"]) <= 100 and NAME.match(m["name"])):
        f.append("name")
    if len(m.get("description", "")) > 2000:
        f.append("description")
    if not (isinstance(m.get("backbone"), str) and 1 <= len(m["backbone"]) <= 100):
        f.append("backbone")
    if not (m.get("classNames") and all(isinstance(c, str) and c for c in m["classNames"])):
        f.append("classNames")
    i = m.get("input", {})
    if not (i.get("name") and i.get("layout") in ("NCHW", "NHWC") and isinstance(i.get("size"), int) and 16 <= i["size"] <= 2048):
        f.append("input.name/layout/size")
    if i.get("slices") not in (1, 3) or not (1 <= len(i.get("channels", [])) <= 3):
        f.append("input.slices/channels")
    if any(c not in ("z-1", "z", "z+1") for c in i.get("channels", [])):
        f.append("input.channels values")
    if i.get("slices") == 1 and any(c != "z" for c in i["channels"]):
        f.append("1-slice channels")
    if i.get("slices") == 3 and sorted(i["channels"]) != sorted(["z-1", "z", "z+1"]):
        f.append("3-slice channels")
    if len(i.get("channels", [])) not in (1, 3):
        f.append("channel count")
    if not (num(i.get("pixelSpacingMm")) and i["pixelSpacingMm"] > 0 and num(i.get("scale")) and i["scale"] > 0):
        f.append("input spacing/scale")
    w = i.get("window", {})
    if not (num(w.get("level")) and num(w.get("width")) and w["width"] >= 1):
        f.append("input.window")
    if not (len(i.get("mean", [])) == 3 and len(i.get("std", [])) == 3 and all(num(s) and s > 0 for s in i["std"])):
        f.append("input.mean/std")
    o = m.get("output", {})
    if not (o.get("kind") == "torchvision-raw" and o.get("classLogits") and o.get("boxRegression")):
        f.append("output")
    a = m.get("anchors") or {}
    if not (a.get("convention") == "torchvision" and len(a.get("sizes", [])) == len(a.get("strides", [])) > 0
            and a.get("scaledSizes") in ("exact", "truncate")):
        f.append("anchors")
    b = m.get("boxCoding") or {}
    if not (b.get("kind") == "torchvision" and len(b.get("weights", [])) == 4 and num(b.get("clip"))):
        f.append("boxCoding")
    p = m.get("postprocess", {})
    if not (0 <= p.get("scoreThreshold", -1) < 1 and isinstance(p.get("topKCandidates"), int)
            and 0 < p.get("nmsIouThreshold", 0) <= 1 and isinstance(p.get("detectionsPerImage"), int)):
        f.append("postprocess")
    if not (num(m.get("defaultScoreThreshold")) and 0 <= m["defaultScoreThreshold"] <= 1):
        f.append("defaultScoreThreshold")
    if not all(isinstance(v, str) for v in (m.get("provenance") or {}).values()):
        f.append("provenance values must be strings")
    return f


@pytest.fixture(scope="module", params=["3slice", "1slice"])
def exported(request, tmp_path_factory):
    out = str(tmp_path_factory.mktemp(f"export-{request.param}"))
    model = build_retinanet("resnet50", 1, width=8, fpn_channels=16, seed=5).eval()
    m = build_manifest(f"retinanet-resnet50-w8-fpn16-{request.param}", "ResNet50-FPN (width 8, FPN 16)", "test",
                       request.param, ["DVT"], 128, 0.695, {"level": 140, "width": 400},
                       provenance={"seed": 5, "fold": "none"})
    path = export_model(model, out, m)
    return request.param, model, m, path, out


def test_onnx_is_valid_and_carries_the_manifest(exported):
    form, _, manifest, path, out = exported
    model = onnx.load(path)
    onnx.checker.check_model(model)
    meta = {p.key: p.value for p in model.metadata_props}
    assert json.loads(meta[rx.MANIFEST_METADATA_KEY]) == manifest
    with open(os.path.join(out, "model.json")) as f:
        assert json.load(f) == manifest
    assert manifest_faults(manifest) == []
    assert model.opset_import[0].version == rx.OPSET


def test_graph_names_and_shapes(exported):
    form, _, manifest, path, _ = exported
    g = onnx.load(path).graph
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]  # noqa: E731
    assert [v.name for v in g.input] == ["images"] and dims(g.input[0]) == ["batch", 3, 128, 128]
    assert [v.name for v in g.output] == ["cls_logits", "bbox_regression"]
    assert dims(g.output[0])[0] == "batch" and dims(g.output[0])[2] == 1
    assert manifest["output"] == {"kind": "torchvision-raw", "classLogits": "cls_logits", "boxRegression": "bbox_regression"}


def test_manifest_input_per_form(exported):
    form, model, manifest, _, _ = exported
    i = manifest["input"]
    if form == "3slice":
        assert i["slices"] == 3 and i["channels"] == ["z-1", "z", "z+1"]
    else:
        assert i["slices"] == 1 and i["channels"] == ["z", "z", "z"]
    assert i["scale"] == 1.0 and i["mean"] == list(model.transform.image_mean) and i["std"] == list(model.transform.image_std)
    assert manifest["anchors"] == rx.TV_ANCHORS and manifest["boxCoding"] == rx.TV_BOX_CODING
    assert manifest["provenance"]["weights"].startswith("trained")
    assert manifest["provenance"]["seed"] == "5"


def test_manifest_faults_catches_errors():
    m = build_manifest("x", "b", "", "1slice", ["DVT"], 128, 0.695, {"level": 140, "width": 400})
    assert manifest_faults(m) == []
    m["input"]["channels"] = ["z-1", "z", "z"]
    m["name"] = "-bad"
    assert set(manifest_faults(m)) >= {"name", "1-slice channels"}


def test_export_does_not_change_the_model(exported):
    _, model, _, _, _ = exported
    assert not model.training
    assert all(p.device.type == "cpu" for p in model.parameters())
    x = torch.rand(1, 3, 128, 128)
    with torch.no_grad():
        a = rx.RawHeads(model)(x)
        b = rx.RawHeads(model)(x)
    assert torch.equal(a[0], b[0])
