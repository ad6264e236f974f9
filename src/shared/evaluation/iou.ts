// Intersection over union of two boxes in continuous coordinates (x1, y1, x2, y2; width = x2 − x1, no
// "+1"). The operations follow pycocotools' bbIou (maskApi.c) in order, so the values are bit-identical:
// overlap width and height ≤ 0 give 0 (boxes that only touch do not overlap); union = (da + ga) − i.
import type { Corners } from './types';

/** IoU of box i of `a` (a prediction) and box j of `b` (a ground-truth box), 4 numbers per box. */
export function iouAt(a: Float64Array, i: number, b: Float64Array, j: number): number {
  const ax1 = a[4 * i]!;
  const ay1 = a[4 * i + 1]!;
  const ax2 = a[4 * i + 2]!;
  const ay2 = a[4 * i + 3]!;
  const bx1 = b[4 * j]!;
  const by1 = b[4 * j + 1]!;
  const bx2 = b[4 * j + 2]!;
  const by2 = b[4 * j + 3]!;
  const w = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  if (w <= 0) return 0;
  const h = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (h <= 0) return 0;
  const inter = w * h;
  const da = (ax2 - ax1) * (ay2 - ay1);
  const ga = (bx2 - bx1) * (by2 - by1);
  return inter / (da + ga - inter);
}

/** IoU of two boxes (symmetric). */
export function iou(a: Corners, b: Corners): number {
  return iouAt(Float64Array.from(a), 0, Float64Array.from(b), 0);
}
