import re

import numpy as np
import pytest

from dvt_training.patchset import load_patch_set, patch_targets
from dvt_training.predict import annotation_set, merge_slice, patch_boxes_to_dicom, series_runs

UID = re.compile(r"^[0-9.]+$")


def test_patch_to_dicom_by_hand():
    entry = {"origin": {"x": 10, "y": -5}, "scale": {"x": 1.25, "y": 2.0}}
    d = patch_boxes_to_dicom(entry, np.array([[0.0, 10.0, 15.0, 25.0], [-20.0, 1.0, 5.0, 9.0]]))
    assert d.tolist() == [[8.0, 2.5, 20.0, 10.0], [0.0, 0.0, 12.0, 2.0]]  # second box clipped at 0


def test_patch_to_dicom_clips_at_the_image_size_when_the_entry_has_it():
    entry = {"origin": {"x": 100, "y": 50}, "scale": {"x": 2.0, "y": 2.0}, "image": {"cols": 110, "rows": 60}}
    d = patch_boxes_to_dicom(entry, np.array([[100.0, 50.0, 130.0, 80.0], [130.0, 80.0, 140.0, 90.0]]))
    # (100 + 100) / 2 = 100 → kept; (130 + 100) / 2 = 115 → clipped to 110 columns, 65 → 60 rows.
    np.testing.assert_allclose(d, [[100, 50, 110, 60], [110, 60, 110, 60]])


def test_merge_is_classwise_nms():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 10], [50, 50, 60, 60]], dtype=np.float32)
    scores = np.array([0.6, 0.9, 0.7, 0.3], dtype=np.float32)
    labels = np.array([0, 0, 1, 0])
    assert merge_slice(boxes, scores, labels).tolist() == [1, 2, 3]
    assert merge_slice(np.zeros((0, 4)), np.zeros(0), np.zeros(0)).tolist() == []


def _entry(eid, series, sop, z, origin, scale=(1.0, 1.0), patient="P1"):
    return {"id": eid, "patientId": patient, "seriesInstanceUid": series, "sopInstanceUid": sop, "sliceIndex": z,
            "origin": {"x": origin[0], "y": origin[1]}, "scale": {"x": scale[0], "y": scale[1]}}


def _dets(boxes, scores, labels=None):
    return {"boxes": np.array(boxes, dtype=np.float32).reshape(-1, 4), "scores": np.array(scores, dtype=np.float32),
            "labels": np.array(labels if labels is not None else [0] * len(scores), dtype=np.int64)}


def test_runs_merge_overlapping_patches_of_a_slice_and_cover_every_series():
    entries = [
        _entry("a", "1.2.3", "1.2.3.7", 6, (100, 200)),
        _entry("b", "1.2.3", "1.2.3.7", 6, (110, 190)),  # same slice, another cut: the same thrombus
        _entry("c", "1.2.3", "1.2.3.9", 8, (100, 200)),
        _entry("d", "1.2.4", "1.2.4.1", 0, (0, 0), patient="P2"),  # a series without detections
    ]
    dets = [
        _dets([[20, 30, 40, 50]], [0.8]),
        _dets([[10, 40, 30, 60], [90, 90, 100, 100]], [0.6, 0.2]),  # first is the same DICOM box as a's
        _dets([[0, 0, 8, 8]], [0.05000001]),
        _dets([], []),
    ]
    runs = series_runs(entries, dets, ["DVT"], "m", "0" * 64, "pytorch-cpu", {"provider": "cpu"}, "t0", "t1")
    assert [r["seriesInstanceUid"] for r in runs] == ["1.2.3", "1.2.4"]
    preds = runs[0]["predictions"]
    assert [p["sliceIndex"] for p in preds] == [6, 6, 8]
    assert [p["score"] for p in preds] == pytest.approx([0.8, 0.2, 0.05000001])
    assert preds[0]["box"] == {"space": "dicom-pixel", "x1": 120.0, "y1": 230.0, "x2": 140.0, "y2": 250.0}
    assert preds[1]["box"] == {"space": "dicom-pixel", "x1": 200.0, "y1": 280.0, "x2": 210.0, "y2": 290.0}
    assert runs[1]["predictions"] == [] and runs[1]["status"] == "done"
    doc = annotation_set(["DVT"], True, runs)
    assert doc["format"] == "dvt-annotation-set" and doc["version"] == 1 and doc["folds"] is None
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", doc["exportedAt"])


def test_ground_truth_boxes_map_back_to_the_exporters_dicom_boxes(npy_set):
    """The synthetic set's positive patches are cut around a DICOM-pixel DVT box (`centredOn`): mapping
    their patch boxes back must give it again (where the patch did not clip it)."""
    ps = load_patch_set(npy_set)
    checked = 0
    for e in ps.entries:
        if not e["boxes"]:
            continue
        b, _ = patch_targets(ps, e)
        if (b <= 0).any() or (b >= 128).any():
            continue
        d = patch_boxes_to_dicom(e, b)[0]
        assert d.tolist() == pytest.approx(e["centredOn"]["box"], abs=1e-3)
        checked += 1
    assert checked > 10


def test_run_fields_match_the_annotation_set_schema(npy_set):
    ps = load_patch_set(npy_set)
    entries = ps.entries_in([0])
    dets = [_dets([b["box"] for b in e["boxes"]], [0.9] * len(e["boxes"])) for e in entries]
    runs = series_runs(entries, dets, ps.classes, "retinanet-x", "a" * 64, "pytorch-cpu", {}, "t", "t")
    assert len(runs) == len({e["seriesInstanceUid"] for e in entries})
    for r in runs:
        assert UID.match(r["seriesInstanceUid"]) and len(r["seriesInstanceUid"]) <= 64
        for p in r["predictions"]:
            assert UID.match(p["sopInstanceUid"]) and 0 <= p["score"] <= 1 and p["label"] in ps.classes
            assert p["box"]["x2"] > p["box"]["x1"] >= 0 and p["box"]["y2"] > p["box"]["y1"] >= 0
