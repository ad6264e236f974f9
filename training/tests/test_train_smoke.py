"""A tiny end-to-end training run (width 8, FPN 16, a few steps on CPU) writes every output."""

import csv
import json
import os
import time

import pytest
import torch

from dvt_training import card, train
from dvt_training.reference import rx

TINY = ["--backbone", "resnet50", "--width", "8", "--fpn-channels", "16", "--epochs", "2", "--max-steps", "2",
        "--threads", "2", "--batch", "8"]


@pytest.fixture(scope="module")
def fold_run(npy_set, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("run-fold1"))
    t0 = time.perf_counter()
    rc = train.main(["--patches", npy_set, "--input", "3slice", "--out", out, "--fold", "1", "--expected", "2", *TINY])
    assert rc == 0
    return out, time.perf_counter() - t0


def test_a_fold_run_writes_every_output(fold_run, npy_set):
    out, seconds = fold_run
    assert seconds < 60
    for f in ("model.onnx", "model.json", "training-log.json", "training-log.csv", "weights.pt", "card.md",
              "test-run.json", "expected.json", "expected-input.json"):
        assert os.path.isfile(os.path.join(out, f)), f
    with open(os.path.join(out, "training-log.json")) as f:
        log = json.load(f)
    assert log["steps"] == 2 and len(log["epochs"]) == 1 and log["best"]["epoch"] == 1
    assert log["settings"]["fold"] == 1 and log["settings"]["valFold"] == 2
    splits = log["data"]["splits"]
    assert splits["train"]["folds"] == [0, 3, 4] and splits["validation"]["folds"] == [2] and splits["test"]["folds"] == [1]
    with open(os.path.join(out, "training-log.csv")) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1 and float(rows[0]["lr"]) == 1e-4 and float(rows[0]["val_loss"]) > 0


def test_the_test_run_names_the_model_and_covers_the_test_fold(fold_run, npy_set):
    out, _ = fold_run
    with open(os.path.join(out, "test-run.json")) as f:
        doc = json.load(f)
    with open(os.path.join(out, "model.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(npy_set, "manifest.json")) as f:
        ps = json.load(f)
    series = {p["seriesInstanceUid"] for p in ps["patches"] if p["fold"] == 1}
    assert {r["seriesInstanceUid"] for r in doc["runs"]} == series
    sha = rx.file_sha256(os.path.join(out, "model.onnx"))
    for r in doc["runs"]:
        assert r["model"] == {"name": manifest["name"], "sha256": sha}
        assert r["providerUsed"] == "pytorch-cpu" and r["params"]["testFold"] == 1
        assert all(p["score"] >= 0.05 for p in r["predictions"])
    assert doc["labels"] == ["DVT"] and doc["deidentified"] is True
    assert manifest["name"] == "retinanet-resnet50-w8-fpn16-3slice-fold1"


def test_the_card_gets_metrics_later(fold_run, tmp_path):
    out, _ = fold_run
    with open(os.path.join(out, "card.md")) as f:
        text = f.read()
    assert "Not evaluated yet" in text and "| test | [1] | 2 |" in text
    evaluation = {"numImages": 12, "numPatients": 2, "settings": {"iouThreshold": 0.1},
                  "overall": {"operatingPoint": {"scoreThreshold": 0.1, "tp": 5, "fp": 2, "fn": 1,
                                                 "sensitivity": 0.8333, "fppi": 0.1667, "precision": 0.714},
                              "mAP": 0.75, "froc": {"cpm": 0.7, "rates": [0.125, 0.25], "sensitivityAtRates": [0.5, None]}}}
    other = json.loads(json.dumps(evaluation))
    other["overall"]["operatingPoint"]["sensitivity"] = 0.1
    # `dvt eval --json` on a workspace: one entry per model (its runs pooled); the card takes its own.
    name = json.load(open(os.path.join(out, "model.json")))["name"]
    report = {"reader": "reference", "unit": "patches", "runs": [], "notPooled": [], "models": [
        {"model": "another-model", "runIds": [1], "evaluation": other},
        {"model": name, "runIds": [2, 3], "evaluation": evaluation,
         "bootstrap": {"resamples": 100, "seed": 1, "sensitivity": {"low": 0.5, "high": 1.0},
                       "fppi": {"low": 0.0, "high": 0.5}, "precision": None, "ap101": None, "cpm": None}}]}
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    with open(os.path.join(out, "data.json"), "w") as f:
        json.dump({"command": "bash training/demo-models.sh resnet50-3slice",
                   "trainingCohort": {"seed": 7, "patients": 60, "slicesPerPatient": 60, "veinEvery": 4},
                   "testCohort": {"seed": 8, "patients": 20, "slicesPerPatient": 60, "reader": "reference"}}, f)
    card.main(["--run", out, "--metrics", str(path)])
    with open(os.path.join(out, "card.md")) as f:
        text = f.read()
    assert "| sensitivity | 0.8333 | 0.5 – 1 |" in text and "| AP (mAP over labels) | 0.75 | — |" in text
    assert "Not evaluated yet" not in text and "0.125 FPPI = 0.5, 0.25 FPPI = —" in text
    assert "on 12 patches of 2 patients" in text and "100 resamples" in text
    assert "seed 7, 60 patients" in text and "`bash training/demo-models.sh resnet50-3slice`" in text
    assert os.path.isfile(os.path.join(out, "metrics.json"))
    card.write_card(out)  # re-rendering keeps the metrics
    with open(os.path.join(out, "card.md")) as f:
        assert "| FROC CPM | 0.7 | — |" in f.read()


def test_same_seed_same_weights_and_train_all(npy_set, fold_run, tmp_path):
    out, _ = fold_run
    again = str(tmp_path / "again")
    assert train.main(["--patches", npy_set, "--input", "3slice", "--out", again, "--fold", "1", *TINY]) == 0
    a = torch.load(os.path.join(out, "weights.pt"))["state_dict"]
    b = torch.load(os.path.join(again, "weights.pt"))["state_dict"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)

    demo = str(tmp_path / "demo")
    assert train.main(["--patches", npy_set, "--input", "1slice", "--out", demo, "--train-all", "--val-fold", "4", *TINY]) == 0
    assert not os.path.exists(os.path.join(demo, "test-run.json"))
    with open(os.path.join(demo, "model.json")) as f:
        m = json.load(f)
    assert m["name"] == "retinanet-resnet50-w8-fpn16-1slice" and m["input"]["channels"] == ["z", "z", "z"]
    assert m["provenance"]["fold"] == "none"


def test_bad_arguments_fail_cleanly(npy_set, tmp_path, capsys):
    assert train.main(["--patches", str(tmp_path), "--input", "3slice", "--out", str(tmp_path / "o"), "--fold", "0", *TINY]) == 2
    assert "no manifest.json" in capsys.readouterr().err
    assert train.main(["--patches", npy_set, "--input", "3slice", "--out", str(tmp_path / "o"), "--fold", "9", *TINY]) == 2


def test_all_folds_cover_every_series_once(npy_set, tmp_path):
    out = str(tmp_path / "cv")
    args = ["--patches", npy_set, "--input", "1slice", "--out", out, "--all-folds", *TINY]
    args[args.index("--max-steps") + 1] = "1"
    assert train.main(args) == 0
    tested = []
    for k in range(5):
        with open(os.path.join(out, f"fold-{k}", "test-run.json")) as f:
            tested += [r["seriesInstanceUid"] for r in json.load(f)["runs"]]
        with open(os.path.join(out, f"fold-{k}", "model.json")) as f:
            assert json.load(f)["name"].endswith(f"-1slice-fold{k}")
    with open(os.path.join(npy_set, "manifest.json")) as f:
        series = {p["seriesInstanceUid"] for p in json.load(f)["patches"]}
    assert sorted(tested) == sorted(series)
