"""RetinaNet with a ResNet50 / ResNet152 FPN backbone at a chosen width, built from torchvision's own
parts: `ResNet` + `Bottleneck` (layers [3, 4, 6, 3] / [3, 8, 36, 3]), `BackboneWithFPN` returning C3–C5
with P6/P7 from P5 (as `retinanet_resnet50_fpn` v1 builds it), `RetinaNetHead`, torchvision's default
anchors (the manifest's TV_ANCHORS: sizes 32…512 truncated, 3 scales, 3 ratios) and focal loss.

`width` is the stem's and first stage's base planes: 64 is torchvision's ResNet (stage outputs 256, 512,
1024, 2048); 16 gives base planes 16, 32, 64, 128 and stage outputs 64…512 (Bottleneck expansion 4).
`fpn_channels` is the FPN's and head's width (torchvision: 256). No pretrained weights (offline):
torchvision's initialisation (Kaiming for convs, BN γ = 1, head prior 0.01) and BatchNorm2d, trainable.
"""

from __future__ import annotations

from typing import List, Sequence

import torch
import torch.nn as nn
from torchvision.models.detection import RetinaNet
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.resnet import Bottleneck, ResNet
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

from .reference import rx

DEPTHS = {"resnet50": [3, 4, 6, 3], "resnet152": [3, 8, 36, 3]}
BACKBONE_LABELS = {"resnet50": "ResNet50", "resnet152": "ResNet152"}
FULL_WIDTH = 64


class WidthResNet(ResNet):
    """torchvision's ResNet with the base planes (64) replaced by `width`; everything else — stem,
    `_make_layer`, Bottleneck (inner width = planes, expansion 4), initialisation — is torchvision's.
    At width 64 its parameters are exactly those of `torchvision.models.resnet50/152`."""

    def __init__(self, layers: Sequence[int], width: int = FULL_WIDTH, num_classes: int = 1000):
        nn.Module.__init__(self)
        if width < 1:
            raise ValueError(f"width must be positive, not {width}")
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = width
        self.dilation = 1
        self.groups = 1
        self.base_width = 64  # torchvision's width_per_group: Bottleneck inner width = planes
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(Bottleneck, width, layers[0])
        self.layer2 = self._make_layer(Bottleneck, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(Bottleneck, width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(Bottleneck, width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8 * Bottleneck.expansion, num_classes)
        for m in self.modules():  # as torchvision.models.resnet.ResNet.__init__
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)


def stage_channels(width: int) -> List[int]:
    """Output channels of layer1…layer4."""
    return [width * m * Bottleneck.expansion for m in (1, 2, 4, 8)]


def build_backbone(backbone: str, width: int = FULL_WIDTH, fpn_channels: int = 256) -> BackboneWithFPN:
    if backbone not in DEPTHS:
        raise ValueError(f"backbone must be one of {sorted(DEPTHS)}, not {backbone!r}")
    body = WidthResNet(DEPTHS[backbone], width)
    c3, c4, c5 = stage_channels(width)[1:]
    # retinanet_resnet50_fpn (v1): returned layers 2–4, P6/P7 from P5 (LastLevelP6P7(256, 256)).
    return BackboneWithFPN(
        body, {"layer2": "0", "layer3": "1", "layer4": "2"}, [c3, c4, c5], fpn_channels,
        extra_blocks=LastLevelP6P7(fpn_channels, fpn_channels),
    )


def anchor_generator(sizes: Sequence[int] = tuple(rx.PYRAMID_SIZES)) -> AnchorGenerator:
    """torchvision's RetinaNet anchors (`_default_anchorgen`: 3 scales 2^(k/3) truncated to integers, ratios
    0.5/1/2 per level) with the base size of each pyramid level P3…P7 given; torchvision's are 32…512."""
    if len(sizes) != len(rx.PYRAMID_STRIDES) or any(int(s) <= 0 for s in sizes):
        raise ValueError(f"anchor sizes need {len(rx.PYRAMID_STRIDES)} positive integers (P3…P7), not {list(sizes)}")
    return AnchorGenerator(
        tuple((int(x), int(x * 2 ** (1.0 / 3)), int(x * 2 ** (2.0 / 3))) for x in sizes),
        tuple([tuple(rx.ANCHOR_RATIOS)] * len(sizes)),
    )


def build_retinanet(
    backbone: str, num_classes: int, width: int = FULL_WIDTH, fpn_channels: int = 256, size: int = rx.PATCH_SIZE,
    mean: Sequence[float] = rx.IMAGENET_MEAN, std: Sequence[float] = rx.IMAGENET_STD, seed: int = 0,
    anchor_sizes: Sequence[int] = tuple(rx.PYRAMID_SIZES),
) -> RetinaNet:
    """min_size = max_size = patch size, so RetinaNet's transform only normalises (mean/std on 0…1)."""
    torch.manual_seed(seed)
    pp = rx.DEFAULT_POSTPROCESS
    return RetinaNet(
        build_backbone(backbone, width, fpn_channels), num_classes, min_size=size, max_size=size,
        anchor_generator=anchor_generator(anchor_sizes),
        image_mean=list(mean), image_std=list(std),
        score_thresh=pp["scoreThreshold"], nms_thresh=pp["nmsIouThreshold"],
        detections_per_img=pp["detectionsPerImage"], topk_candidates=pp["topKCandidates"],
    )


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def bottleneck_count(module: nn.Module) -> int:
    return sum(1 for m in module.modules() if isinstance(m, Bottleneck))


def model_name(backbone: str, form: str, width: int, fpn_channels: int, fold=None) -> str:
    """e.g. retinanet-resnet50-w16-fpn64-3slice-fold2; full width / FPN 256 leave their part out."""
    parts = ["retinanet", backbone]
    if width != FULL_WIDTH:
        parts.append(f"w{width}")
    if fpn_channels != 256:
        parts.append(f"fpn{fpn_channels}")
    parts.append(form)
    if fold is not None:
        parts.append(f"fold{fold}")
    return "-".join(parts)


def backbone_label(backbone: str, width: int, fpn_channels: int) -> str:
    """The manifest's `backbone`, e.g. 'ResNet50-FPN' or 'ResNet50-FPN (width 16, FPN 64)'."""
    label = f"{BACKBONE_LABELS[backbone]}-FPN"
    extra = []
    if width != FULL_WIDTH:
        extra.append(f"width {width}")
    if fpn_channels != 256:
        extra.append(f"FPN {fpn_channels}")
    return label + (f" ({', '.join(extra)})" if extra else "")


def detection_losses(model: RetinaNet, images: torch.Tensor, targets) -> dict:
    """RetinaNet's training losses (focal classification + L1 box regression, each averaged over the
    images) for a batch already at the model size, without the transform's resize step (a no-op at
    min_size = max_size = patch size). Works in train mode (BN batch statistics) and in eval mode (BN
    running statistics: the validation loss, as Keras computes it)."""
    from torchvision.models.detection.image_list import ImageList

    mean = torch.as_tensor(model.transform.image_mean, dtype=images.dtype, device=images.device)
    std = torch.as_tensor(model.transform.image_std, dtype=images.dtype, device=images.device)
    x = (images - mean[None, :, None, None]) / std[None, :, None, None]
    image_list = ImageList(x, [tuple(x.shape[-2:])] * x.shape[0])
    features = list(model.backbone(x).values())
    head_outputs = model.head(features)
    anchors = model.anchor_generator(image_list, features)
    return model.compute_loss(targets, head_outputs, anchors)
