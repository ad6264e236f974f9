"""A numpy PORT of keras-retinanet's inference decoding (fizyr/keras-retinanet, Apache-2.0).

This is not keras-retinanet: torch has no keras, so the parts of fizyr's code that turn the raw
model outputs into detections are re-written here in numpy, one function per original, in float32
where the original runs in TensorFlow (float32). Sources, fizyr/keras-retinanet master:

- keras_retinanet/utils/anchors.py          generate_anchors, shift, guess_shapes, anchors_for_shape
- keras_retinanet/utils/anchors.py          bbox_transform (the training targets; used to make fixtures)
- keras_retinanet/backend/common.py         bbox_transform_inv
- keras_retinanet/layers/_misc.py           RegressBoxes, ClipBoxes (x in [0, width - 1], y in [0, height - 1])
- keras_retinanet/layers/filter_detections.py   filter_detections (class_specific_filter=True)
- tf.image.non_max_suppression (TensorFlow 2.x CPU kernel, non_max_suppression_op.cc): greedy by
  score (ties: lower index first), IoU of boxes with non-positive area is 0, a candidate is suppressed
  when IoU > iou_threshold (float32), at most max_output_size kept.

The model's Anchors layer holds generate_anchors(...) as a float32 variable and shifts it in float32;
`model_anchors` does the same.
"""

import numpy as np

F32 = np.float32

# keras_retinanet.utils.anchors.AnchorParameters.default (ratios and scales are float32 there).
DEFAULT_SIZES = [32, 64, 128, 256, 512]
DEFAULT_STRIDES = [8, 16, 32, 64, 128]
DEFAULT_PYRAMID_LEVELS = [3, 4, 5, 6, 7]
DEFAULT_RATIOS = np.array([0.5, 1, 2], F32)
DEFAULT_SCALES = np.array([2**0, 2 ** (1.0 / 3.0), 2 ** (2.0 / 3.0)], F32)
DEFAULT_MEAN = [0, 0, 0, 0]
DEFAULT_STD = [0.2, 0.2, 0.2, 0.2]


def generate_anchors(base_size=16, ratios=None, scales=None):
    """utils/anchors.py generate_anchors: zero-centred (x1, y1, x2, y2), ratio-major."""
    if ratios is None:
        ratios = DEFAULT_RATIOS
    if scales is None:
        scales = DEFAULT_SCALES
    num_anchors = len(ratios) * len(scales)
    anchors = np.zeros((num_anchors, 4))
    anchors[:, 2:] = base_size * np.tile(scales, (2, len(ratios))).T
    areas = anchors[:, 2] * anchors[:, 3]
    anchors[:, 2] = np.sqrt(areas / np.repeat(ratios, len(scales)))
    anchors[:, 3] = anchors[:, 2] * np.repeat(ratios, len(scales))
    anchors[:, 0::2] -= np.tile(anchors[:, 2] * 0.5, (2, 1)).T
    anchors[:, 1::2] -= np.tile(anchors[:, 3] * 0.5, (2, 1)).T
    return anchors


def shift(shape, stride, anchors):
    """utils/anchors.py shift: anchors at cell centres, location-major then anchor."""
    shift_x = (np.arange(0, shape[1]) + 0.5) * stride
    shift_y = (np.arange(0, shape[0]) + 0.5) * stride
    shift_x, shift_y = np.meshgrid(shift_x, shift_y)
    shifts = np.vstack((shift_x.ravel(), shift_y.ravel(), shift_x.ravel(), shift_y.ravel())).transpose()
    a = anchors.shape[0]
    k = shifts.shape[0]
    all_anchors = anchors.reshape((1, a, 4)) + shifts.reshape((1, k, 4)).transpose((1, 0, 2))
    return all_anchors.reshape((k * a, 4))


def guess_shapes(image_shape, pyramid_levels):
    """utils/anchors.py guess_shapes: ceil(size / 2**level)."""
    image_shape = np.array(image_shape[:2])
    return [(image_shape + 2**x - 1) // (2**x) for x in pyramid_levels]


def anchors_for_shape(image_shape, pyramid_levels=None, ratios=None, scales=None, strides=None, sizes=None):
    """utils/anchors.py anchors_for_shape (float64, as the training generator uses it)."""
    pyramid_levels = DEFAULT_PYRAMID_LEVELS if pyramid_levels is None else pyramid_levels
    strides = [2**x for x in pyramid_levels] if strides is None else strides
    sizes = [2 ** (x + 2) for x in pyramid_levels] if sizes is None else sizes
    image_shapes = guess_shapes(image_shape, pyramid_levels)
    all_anchors = np.zeros((0, 4))
    for idx, _ in enumerate(pyramid_levels):
        anchors = generate_anchors(base_size=sizes[idx], ratios=ratios, scales=scales)
        all_anchors = np.append(all_anchors, shift(image_shapes[idx], strides[idx], anchors), axis=0)
    return all_anchors


def model_anchors(image_shape, pyramid_levels=None):
    """The Anchors layers of the inference model: float32 base anchors shifted in float32."""
    pyramid_levels = DEFAULT_PYRAMID_LEVELS if pyramid_levels is None else pyramid_levels
    out = []
    for level, shape in zip(pyramid_levels, guess_shapes(image_shape, pyramid_levels)):
        base = generate_anchors(base_size=2 ** (level + 2)).astype(F32)
        out.append(shift(shape, F32(2**level), base).astype(F32))
    return np.concatenate(out, axis=0)


def bbox_transform(anchors, gt_boxes, mean=None, std=None):
    """utils/anchors.py bbox_transform: corner deltas relative to the anchor's size."""
    mean = np.array(DEFAULT_MEAN if mean is None else mean)
    std = np.array(DEFAULT_STD if std is None else std)
    anchor_widths = anchors[:, 2] - anchors[:, 0]
    anchor_heights = anchors[:, 3] - anchors[:, 1]
    targets = np.stack(
        (
            (gt_boxes[:, 0] - anchors[:, 0]) / anchor_widths,
            (gt_boxes[:, 1] - anchors[:, 1]) / anchor_heights,
            (gt_boxes[:, 2] - anchors[:, 2]) / anchor_widths,
            (gt_boxes[:, 3] - anchors[:, 3]) / anchor_heights,
        )
    ).T
    return (targets - mean) / std


def bbox_transform_inv(boxes, deltas, mean=None, std=None):
    """backend/common.py bbox_transform_inv for one image (N, 4), in float32 like the TF graph."""
    mean = [F32(m) for m in (DEFAULT_MEAN if mean is None else mean)]
    std = [F32(s) for s in (DEFAULT_STD if std is None else std)]
    boxes = boxes.astype(F32)
    deltas = deltas.astype(F32)
    width = boxes[:, 2] - boxes[:, 0]
    height = boxes[:, 3] - boxes[:, 1]
    x1 = boxes[:, 0] + (deltas[:, 0] * std[0] + mean[0]) * width
    y1 = boxes[:, 1] + (deltas[:, 1] * std[1] + mean[1]) * height
    x2 = boxes[:, 2] + (deltas[:, 2] * std[2] + mean[2]) * width
    y2 = boxes[:, 3] + (deltas[:, 3] * std[3] + mean[3]) * height
    return np.stack([x1, y1, x2, y2], axis=1).astype(F32)


def clip_boxes(boxes, height, width):
    """layers/_misc.py ClipBoxes: x to [0, width - 1], y to [0, height - 1]."""
    out = boxes.astype(F32).copy()
    out[:, 0::2] = np.clip(out[:, 0::2], F32(0), F32(width - 1))
    out[:, 1::2] = np.clip(out[:, 1::2], F32(0), F32(height - 1))
    return out


def _tf_iou(a, b):
    """non_max_suppression_op.cc IOU: corner order-agnostic, 0 when either area is not positive."""
    a_lo0, a_hi0 = min(a[0], a[2]), max(a[0], a[2])
    a_lo1, a_hi1 = min(a[1], a[3]), max(a[1], a[3])
    b_lo0, b_hi0 = min(b[0], b[2]), max(b[0], b[2])
    b_lo1, b_hi1 = min(b[1], b[3]), max(b[1], b[3])
    area_a = F32(a_hi0 - a_lo0) * F32(a_hi1 - a_lo1)
    area_b = F32(b_hi0 - b_lo0) * F32(b_hi1 - b_lo1)
    if area_a <= 0 or area_b <= 0:
        return F32(0)
    i0 = F32(min(a_hi0, b_hi0) - max(a_lo0, b_lo0))
    i1 = F32(min(a_hi1, b_hi1) - max(a_lo1, b_lo1))
    inter = F32(max(i0, F32(0)) * max(i1, F32(0)))
    return F32(inter / F32(F32(area_a + area_b) - inter))


def tf_non_max_suppression(boxes, scores, max_output_size, iou_threshold):
    """tf.image.non_max_suppression: indices of kept boxes, best score first."""
    boxes = boxes.astype(F32)
    scores = scores.astype(F32)
    order = sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i))
    selected = []
    threshold = F32(iou_threshold)
    for i in order:
        if len(selected) >= max_output_size:
            break
        if all(_tf_iou(boxes[i], boxes[j]) <= threshold for j in reversed(selected)):
            selected.append(i)
    return np.array(selected, dtype=np.int64)


def filter_detections(boxes, classification, score_threshold=0.05, max_detections=300, nms_threshold=0.5):
    """layers/filter_detections.py filter_detections, class_specific_filter=True, nms=True.

    Returns (boxes, scores, labels) without the -1 padding of the original.
    """
    all_indices = []
    for c in range(classification.shape[1]):
        scores = classification[:, c].astype(F32)
        indices = np.where(scores > F32(score_threshold))[0]
        nms_indices = tf_non_max_suppression(boxes[indices], scores[indices], max_detections, nms_threshold)
        kept = indices[nms_indices]
        all_indices.append(np.stack([kept, np.full_like(kept, c)], axis=1))
    indices = np.concatenate(all_indices, axis=0) if all_indices else np.zeros((0, 2), np.int64)
    scores = classification[indices[:, 0], indices[:, 1]].astype(F32)
    # tf.nn.top_k: sorted descending, equal values keep the lower index first.
    k = min(max_detections, len(scores))
    top = sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i))[:k]
    return boxes[indices[top, 0]].astype(F32), scores[top], indices[top, 1].astype(np.int64)


def decode(anchors, regression, classification, image_size, mean=None, std=None, **filter_kwargs):
    """retinanet_bbox for one image: RegressBoxes, ClipBoxes, FilterDetections."""
    boxes = bbox_transform_inv(anchors, regression, mean=mean, std=std)
    boxes = clip_boxes(boxes, image_size, image_size)
    return filter_detections(boxes, classification, **filter_kwargs)
