/**
 * Rasterises a slice's paint operations into a HU image and reports the pixel box of every tagged shape. Millimetres
 * map to pixels through the patient's pixel spacing and the pixel position of the body centre.
 */
import {
  ellipseSpans,
  fillSpans,
  replaceBelowSpans,
  softBlendSpans,
  spansBox,
  type HuImage,
  type PixelBox,
  type PixelEllipse,
} from './raster';
import type { BoxTag, MmEllipse, PaintOp } from './scene';

export interface PixelMapping {
  /** mm per pixel, equal along rows and columns. */
  spacing: number;
  /** Continuous pixel coordinates of the body centre (mm origin). */
  centreX: number;
  centreY: number;
}

export interface TaggedBox {
  tag: BoxTag;
  box: PixelBox;
}

export function toPixels(e: MmEllipse, m: PixelMapping): PixelEllipse {
  return {
    cx: m.centreX + e.x / m.spacing,
    cy: m.centreY + e.y / m.spacing,
    rx: e.rx / m.spacing,
    ry: e.ry / m.spacing,
    angle: e.angle,
  };
}

/**
 * Paints `ops` into `img` (which the caller has filled with air) and returns the boxes of tagged shapes; a tagged shape
 * that covers no pixel centre yields no box. `spans` is scratch space of at least 3 × height entries.
 */
export function renderOps(
  ops: readonly PaintOp[],
  img: HuImage,
  m: PixelMapping,
  spans: Int32Array,
): TaggedBox[] {
  const boxes: TaggedBox[] = [];
  for (const op of ops) {
    const e = toPixels(op.shape, m);
    const count = ellipseSpans(e, img.width, img.height, spans);
    switch (op.kind) {
      case 'fill':
        fillSpans(img, spans, count, op.hu);
        break;
      case 'replaceBelow':
        replaceBelowSpans(img, spans, count, op.below, op.hu);
        break;
      case 'soft':
        softBlendSpans(img, e, spans, count, op.hu, op.inner, op.above);
        break;
      case 'mark':
        break;
    }
    const tag = op.kind === 'fill' || op.kind === 'mark' ? op.tag : undefined;
    if (tag) {
      const box = spansBox(spans, count);
      if (box) boxes.push({ tag, box });
    }
  }
  return boxes;
}
