import pytest
import torch
import torchvision
from torchvision.models.resnet import Bottleneck

from dvt_training.model import (
    WidthResNet,
    backbone_label,
    build_backbone,
    build_retinanet,
    bottleneck_count,
    count_params,
    detection_losses,
    model_name,
    stage_channels,
)
from dvt_training.reference import rx


@pytest.mark.parametrize("name, depths", [("resnet50", [3, 4, 6, 3]), ("resnet152", [3, 8, 36, 3])])
def test_full_width_is_torchvisions_resnet(name, depths):
    ours = WidthResNet(depths, 64)
    theirs = getattr(torchvision.models, name)(weights=None)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in theirs.state_dict().items()}
    assert count_params(ours) == count_params(theirs)
    assert [len(getattr(ours, f"layer{i}")) for i in range(1, 5)] == depths
    assert bottleneck_count(ours) == sum(depths)


def test_known_parameter_counts():
    # torchvision's published counts (with the 1000-class fc).
    assert count_params(WidthResNet([3, 4, 6, 3], 64)) == 25_557_032
    assert count_params(WidthResNet([3, 8, 36, 3], 64)) == 60_192_808


@pytest.mark.parametrize("width", [8, 16, 32])
def test_width_scales_the_stages(width):
    body = WidthResNet([3, 4, 6, 3], width)
    x = torch.zeros(1, 3, 128, 128)
    outs = []
    h = body.maxpool(body.relu(body.bn1(body.conv1(x))))
    for i in range(1, 5):
        h = getattr(body, f"layer{i}")(h)
        outs.append(h.shape[1])
    assert outs == stage_channels(width) == [width * 4, width * 8, width * 16, width * 32]
    # Convs dominate: parameters fall with the square of the width.
    full = count_params(WidthResNet([3, 4, 6, 3], 64)) - count_params(WidthResNet([3, 4, 6, 3], 64).fc)
    ratio = (count_params(body) - count_params(body.fc)) / full
    assert ratio == pytest.approx((width / 64) ** 2, rel=0.05)


@pytest.mark.parametrize("backbone", ["resnet50", "resnet152"])
@pytest.mark.parametrize("fpn", [16, 64])
def test_output_shapes_at_128(backbone, fpn):
    model = build_retinanet(backbone, 1, width=8, fpn_channels=fpn).eval()
    x = torch.zeros(2, 3, 128, 128)
    with torch.no_grad():
        feats = model.backbone(x)
        assert [tuple(f.shape) for f in feats.values()] == [(2, fpn, s, s) for s in (16, 8, 4, 2, 1)]
        cls, reg = rx.RawHeads(model)(x)
    assert tuple(cls.shape) == (2, 3069, 1) and tuple(reg.shape) == (2, 3069, 4)
    assert model.transform.min_size == (128,) and model.transform.max_size == 128


def test_two_classes_and_anchors_match_the_reference():
    model = build_retinanet("resnet50", 2, width=8, fpn_channels=16).eval()
    with torch.no_grad():
        cls, _ = rx.RawHeads(model)(torch.zeros(1, 3, 128, 128))
    assert cls.shape[-1] == 2
    ref = rx.build_tiny_retinanet(0)
    assert torch.equal(rx.torchvision_anchors(model), rx.torchvision_anchors(ref))
    assert rx.torchvision_anchors(model).shape[0] == sum(rx.level_anchor_counts())


def test_fpn_matches_torchvisions_retinanet_layout():
    bb = build_backbone("resnet50", 64, 256)
    ref = torchvision.models.detection.retinanet_resnet50_fpn(weights=None, weights_backbone=None).backbone
    assert {k: v.shape for k, v in bb.state_dict().items()} == {k: v.shape for k, v in ref.state_dict().items()}
    assert bb.fpn.extra_blocks.use_P5


def test_losses_in_train_and_eval_mode():
    model = build_retinanet("resnet50", 1, width=8, fpn_channels=16)
    images = torch.rand(2, 3, 128, 128)
    targets = [{"boxes": torch.tensor([[30.0, 40.0, 50.0, 62.0]]), "labels": torch.tensor([0])},
               {"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.int64)}]
    model.train()
    ours = detection_losses(model, images, targets)
    torch.manual_seed(0)
    theirs = model(list(images), targets)  # torchvision's own forward (its resize is a no-op at 128)
    for k in ("classification", "bbox_regression"):
        assert float(ours[k]) == pytest.approx(float(theirs[k]), rel=1e-5)
    model.eval()
    with torch.no_grad():
        ev = detection_losses(model, images, targets)
    assert all(torch.isfinite(v) for v in ev.values())


def test_names():
    assert model_name("resnet50", "3slice", 64, 256) == "retinanet-resnet50-3slice"
    assert model_name("resnet152", "1slice", 16, 64, 2) == "retinanet-resnet152-w16-fpn64-1slice-fold2"
    assert backbone_label("resnet50", 16, 256) == "ResNet50-FPN (width 16)"
    assert isinstance(Bottleneck.expansion, int)


def test_anchor_sizes_set_the_anchors_and_the_default_is_torchvisions():
    from torchvision.models.detection.anchor_utils import AnchorGenerator
    default = build_retinanet("resnet50", 1, width=8, fpn_channels=16).anchor_generator
    assert default.sizes == AnchorGenerator(tuple((x, int(x * 2 ** (1 / 3)), int(x * 2 ** (2 / 3))) for x in [32, 64, 128, 256, 512]),
                                            ((0.5, 1.0, 2.0),) * 5).sizes
    small = build_retinanet("resnet50", 1, width=8, fpn_channels=16, anchor_sizes=(8, 16, 32, 64, 128)).anchor_generator
    assert small.sizes[0] == (8, 10, 12) and small.sizes[4] == (128, 161, 203)
    with pytest.raises(ValueError, match="5 positive integers"):
        build_retinanet("resnet50", 1, width=8, fpn_channels=16, anchor_sizes=(8, 16))


def test_anchor_sizes_option_is_checked():
    from dvt_training import train
    assert train.parse_args(["--patches", "p", "--backbone", "resnet50", "--input", "3slice", "--out", "o", "--fold", "0",
                             "--anchor-sizes", "8,16,32,64,128"]).anchor_sizes == (8, 16, 32, 64, 128)
    with pytest.raises(SystemExit):
        train.parse_args(["--patches", "p", "--backbone", "resnet50", "--input", "3slice", "--out", "o", "--fold", "0",
                          "--anchor-sizes", "8,16"])
