import copy
import json
import os

import numpy as np
import pytest
import torch
from torchvision.io import write_png

from dvt_training.data import Augment, load_patches, make_batch, model_images
from dvt_training.patchset import (
    PatchSet,
    PatchSetError,
    fold_split,
    load_patch_set,
    patch_targets,
    read_patch,
    validate_manifest,
    window_grey,
)
from dvt_training.testing import WINDOW, render_hu


# --- windowing (src/shared/imaging/window.ts windowGrey) -------------------------------------------


def test_window_grey_matches_the_workstation_formula_by_hand():
    # level 140, width 400: black at −60 HU, white at 340 HU, 140 HU is 127.5 → 128 (halves go up).
    hu = np.array([-1000, -60, 140, 340, 2000, np.nan], dtype=np.float32)
    assert window_grey(hu, 140, 400).tolist() == [0, 0, 128, 255, 255, 0]
    # Level 127.5, width 255 make grey = hu exactly: halves go up as in Math.round (numpy's round would
    # give 0, 2, 2, 100); values checked against node.
    assert window_grey(np.array([0.5, 1.5, 2.5, 100.5, 0.4999999]), 127.5, 255).tolist() == [1, 2, 3, 101, 0]
    # Math.round, not floor(v + 0.5): 0.49999999999999994 stays 0.
    assert window_grey(np.array([-60 + 0.49999999999999994 * 400 / 255]), 140, 400).tolist() == [0]


def test_window_grey_matches_math_round_on_many_values():
    rng = np.random.default_rng(0)
    hu = rng.uniform(-200, 500, 10000)
    v = (hu - (140 - 400 / 2)) / 400 * 255
    expected = [min(255, max(0, int(np.floor(x + 0.5)) if x - np.floor(x) != 0.5 else int(np.floor(x)) + 1)) for x in v]
    assert window_grey(hu, 140, 400).tolist() == expected


# --- reading patches ------------------------------------------------------------------------------


def test_png_and_npy_sets_give_the_same_grey_patches(npy_set, png_set):
    a, b = load_patch_set(npy_set), load_patch_set(png_set)
    assert [e["id"] for e in a.entries] == [e["id"] for e in b.entries]
    for form in ("1slice", "3slice"):
        for ea, eb in zip(a.entries[:12], b.entries[:12]):
            ga, gb = read_patch(a, ea, form), read_patch(b, eb, form)
            assert ga.dtype == np.uint8 and ga.shape == ((1 if form == "1slice" else 3), 128, 128)
            assert np.array_equal(ga, gb), ea["id"]


def test_three_slice_channels_are_z_minus_1_z_z_plus_1(npy_set, png_set):
    for root in (npy_set, png_set):
        ps = load_patch_set(root)
        for e in ps.entries[:8]:
            three, one = read_patch(ps, e, "3slice"), read_patch(ps, e, "1slice")
            assert np.array_equal(three[1], one[0]), "the 3-slice G channel is the 1-slice patch (z)"
            z0, z, z1 = e["channelSlices"]
            if z0 != z:
                assert not np.array_equal(three[0], three[1])
            if z1 != z:
                assert not np.array_equal(three[2], three[1])
    # The npy file stores the HU of channelSlices in that order.
    ps = load_patch_set(npy_set)
    e = ps.entries[0]
    hu = np.load(os.path.join(npy_set, e["files"]["3slice"]))
    assert hu.shape == (3, 128, 128) and hu.dtype == np.float32
    assert np.array_equal(read_patch(ps, e, "3slice"), window_grey(hu, WINDOW["level"], WINDOW["width"]))


def test_boxes_and_negatives(npy_set):
    ps = load_patch_set(npy_set)
    pos = [e for e in ps.entries if e["boxes"]]
    neg = [e for e in ps.entries if not e["boxes"]]
    assert pos and neg
    b, l = patch_targets(ps, pos[0])
    assert b.shape == (1, 4) and b.dtype == np.float32 and l.tolist() == [0]
    assert b.tolist()[0] == pytest.approx(pos[0]["boxes"][0]["box"], abs=1e-4)
    b, l = patch_targets(ps, neg[0])
    assert b.shape == (0, 4) and l.shape == (0,)
    data = load_patches(ps, ps.entries, "1slice")
    assert data.grey.shape == (len(ps.entries), 1, 128, 128)
    assert data.positives == len(pos)
    images, targets = make_batch(data, np.arange(4), None, None)
    assert images.shape == (4, 3, 128, 128) and images.dtype == torch.float32
    assert torch.equal(images[:, 0], images[:, 2]), "1-slice: z repeated into all three channels"
    assert float(images.max()) <= 1.0


def test_flip_augmentation_mirrors_boxes(npy_set):
    ps = load_patch_set(npy_set)
    data = load_patches(ps, [e for e in ps.entries if e["boxes"]][:1], "3slice")
    flipped = None
    for seed in range(20):  # find a seed whose first draw flips
        rng = np.random.default_rng(seed)
        images, targets = make_batch(data, np.array([0]), Augment(flip=True), rng)
        if not torch.equal(images, model_images(data.grey[:1])):
            flipped = (images, targets)
            break
    assert flipped is not None
    images, targets = flipped
    assert torch.equal(images, torch.flip(model_images(data.grey[:1]), dims=[-1]))
    x1, y1, x2, y2 = data.boxes[0][0].tolist()
    assert targets[0]["boxes"][0].tolist() == pytest.approx([128 - x2, y1, 128 - x1, y2])


def test_shift_augmentation_moves_pixels_and_boxes(npy_set):
    ps = load_patch_set(npy_set)
    data = load_patches(ps, [e for e in ps.entries if e["boxes"]][:1], "1slice")
    rng = np.random.default_rng(1)
    images, targets = make_batch(data, np.array([0]), Augment(flip=False, max_shift=5), rng)
    dx, dy = (int(v) for v in np.random.default_rng(1).integers(-5, 6, 2))
    base = model_images(data.grey[:1])[0, 0]
    assert torch.equal(images[0, 0, 20:100, 20:100], base[20 - dy : 100 - dy, 20 - dx : 100 - dx])
    if targets[0]["boxes"].shape[0]:
        want = (data.boxes[0][0] + torch.tensor([dx, dy, dx, dy], dtype=torch.float32)).clamp(0, 128)
        assert targets[0]["boxes"][0].tolist() == pytest.approx(want.tolist())


# --- folds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fold", range(5))
def test_fold_split_keeps_every_patient_in_one_role(npy_set, fold):
    ps = load_patch_set(npy_set)
    split = fold_split(ps.k, fold)
    assert split.test == (fold,) and split.val == ((fold + 1) % 5,) and len(split.train) == 3
    roles = {name: {e["patientId"] for e in ps.entries_in(getattr(split, name))} for name in ("train", "val", "test")}
    assert roles["train"] and roles["val"] and roles["test"]
    assert not roles["train"] & roles["val"] and not roles["train"] & roles["test"] and not roles["val"] & roles["test"]
    assert roles["train"] | roles["val"] | roles["test"] == {p["id"] for p in ps.manifest["patients"]}


def test_train_all_has_no_test_fold():
    split = fold_split(5, None, 2)
    assert split.test == () and split.val == (2,) and split.train == (0, 1, 3, 4)
    with pytest.raises(ValueError):
        fold_split(5, 5)


# --- validation -----------------------------------------------------------------------------------


def _manifest(root):
    with open(os.path.join(root, "manifest.json")) as f:
        return json.load(f)


def test_the_synthetic_set_is_valid(npy_set):
    assert validate_manifest(_manifest(npy_set)) == []
    assert load_patch_set(npy_set).jitter_px == 24


@pytest.mark.parametrize(
    "edit, fault",
    [
        (lambda m: m.update(format="coco"), "format"),
        (lambda m: m.update(version=2), "version"),
        (lambda m: m["patches"][0].update(fold=(m["patches"][0]["fold"] + 1) % 5), "is in fold"),
        (lambda m: m["patches"][0].update(patientId="nobody"), "not in `patients`"),
        (lambda m: m["patches"][1].update(id=m["patches"][0]["id"]), "used twice"),
        (lambda m: m["patches"][0].update(boxes=[{"label": "PE", "box": [1, 1, 5, 5]}]), "not one of classes"),
        (lambda m: m["patches"][0].update(boxes=[{"label": "DVT", "box": [5, 1, 5, 5]}]), "x2 > x1"),
        (lambda m: m["patients"][0].update(fold=7), "not in 0…4"),
        (lambda m: m["patch"].update(jitterPx=-1), "jitterPx"),
    ],
)
def test_invalid_manifests_are_refused_with_the_fault_named(npy_set, tmp_path, edit, fault):
    m = copy.deepcopy(_manifest(npy_set))
    edit(m)
    with open(tmp_path / "manifest.json", "w") as f:
        json.dump(m, f)
    with pytest.raises(PatchSetError, match=fault):
        load_patch_set(str(tmp_path))


def test_png_modes(tmp_path):
    ps = PatchSet(str(tmp_path), {"patch": {"size": 4, "window": {"level": 140, "width": 400}}})
    grey = torch.arange(16, dtype=torch.uint8).reshape(1, 4, 4)
    write_png(grey.expand(3, -1, -1).contiguous(), str(tmp_path / "rgb-equal.png"))
    write_png(torch.stack([grey[0], grey[0] + 1, grey[0]]), str(tmp_path / "rgb.png"))
    write_png(grey, str(tmp_path / "grey.png"))
    entry = lambda f: {"id": "x", "files": {"1slice": f, "3slice": f}}  # noqa: E731
    assert np.array_equal(read_patch(ps, entry("rgb-equal.png"), "1slice"), grey.numpy())
    with pytest.raises(PatchSetError, match="must be grey"):
        read_patch(ps, entry("rgb.png"), "1slice")
    with pytest.raises(PatchSetError, match="must be RGB"):
        read_patch(ps, entry("grey.png"), "3slice")
    assert read_patch(ps, entry("rgb.png"), "3slice")[1].tolist() == (grey[0] + 1).tolist()
    with pytest.raises(PatchSetError, match="missing"):
        read_patch(ps, entry("nope.png"), "1slice")


def test_render_is_reproducible():
    veins = [(np.array([[60.0, 60.0]] * 3), 8.0), (np.array([[90.0, 90.0]] * 3), 8.0)]
    a = render_hu(1, (0, 0), (1.0, 1.0), 32, veins, None, (60, 60))
    b = render_hu(1, (0, 0), (1.0, 1.0), 32, veins, None, (60, 60))
    assert np.array_equal(a, b)
