// Pure box geometry for annotation tools and overlays. Coordinates follow the convention written in
// shared/annotation/schemas.ts (continuous DICOM pixel coordinates of the slice, origin at the top-left
// corner of the first pixel).
import type { DicomPixelBox } from '../reference/schemas';
import type { AnnotationBox } from './schemas';

export interface ImageShape {
  rows: number;
  cols: number;
}

/** The box from two corners of a drag, in any order. Null when it has no area. */
export function boxFromCorners(ax: number, ay: number, bx: number, by: number): DicomPixelBox | null {
  const box: DicomPixelBox = {
    space: 'dicom-pixel',
    x1: Math.min(ax, bx),
    y1: Math.min(ay, by),
    x2: Math.max(ax, bx),
    y2: Math.max(ay, by),
  };
  return box.x2 > box.x1 && box.y2 > box.y1 ? box : null;
}

/** True when the box lies inside [0, cols] × [0, rows] (edges included) and has an area. */
export function boxInImage(box: DicomPixelBox, image: ImageShape): boolean {
  return (
    box.x1 >= 0 &&
    box.y1 >= 0 &&
    box.x2 <= image.cols &&
    box.y2 <= image.rows &&
    box.x2 > box.x1 &&
    box.y2 > box.y1
  );
}

/** The part of the box inside the image, or null when nothing of it is. */
export function clampBoxToImage(box: DicomPixelBox, image: ImageShape): DicomPixelBox | null {
  const clamp = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
  return boxFromCorners(
    clamp(box.x1, image.cols),
    clamp(box.y1, image.rows),
    clamp(box.x2, image.cols),
    clamp(box.y2, image.rows),
  );
}

/** The box moved by (dx, dy), kept whole inside the image (it stops at the edge rather than shrinking). */
export function translateBoxWithin(
  box: DicomPixelBox,
  dx: number,
  dy: number,
  image: ImageShape,
): DicomPixelBox {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  const x1 = Math.min(Math.max(box.x1 + dx, 0), Math.max(image.cols - w, 0));
  const y1 = Math.min(Math.max(box.y1 + dy, 0), Math.max(image.rows - h, 0));
  return { space: 'dicom-pixel', x1, y1, x2: x1 + w, y2: y1 + h };
}

export interface KeyBox {
  sliceIndex: number;
  box: DicomPixelBox;
}

/**
 * Boxes for the slices strictly between two key slices, each corner interpolated linearly in slice index
 * (either key may be the cranial one). Empty when the keys are on the same or adjacent slices.
 */
export function interpolateBoxes(a: KeyBox, b: KeyBox): KeyBox[] {
  const [from, to] = a.sliceIndex <= b.sliceIndex ? [a, b] : [b, a];
  const span = to.sliceIndex - from.sliceIndex;
  const out: KeyBox[] = [];
  for (let s = from.sliceIndex + 1; s < to.sliceIndex; s++) {
    const t = (s - from.sliceIndex) / span;
    const lerp = (p: number, q: number): number => p + (q - p) * t;
    out.push({
      sliceIndex: s,
      box: {
        space: 'dicom-pixel',
        x1: lerp(from.box.x1, to.box.x1),
        y1: lerp(from.box.y1, to.box.y1),
        x2: lerp(from.box.x2, to.box.x2),
        y2: lerp(from.box.y2, to.box.y2),
      },
    });
  }
  return out;
}

/** One slice's boxes, in list order: what an overlay draws. */
export function boxesOnSlice<B extends Pick<AnnotationBox, 'sliceIndex'>>(
  boxes: readonly B[],
  sliceIndex: number,
): B[] {
  return boxes.filter((b) => b.sliceIndex === sliceIndex);
}

/** Boxes grouped by slice index, for a viewer that scrolls through many slices of one case. */
export function groupBoxesBySlice<B extends Pick<AnnotationBox, 'sliceIndex'>>(
  boxes: readonly B[],
): Map<number, B[]> {
  const bySlice = new Map<number, B[]>();
  for (const b of boxes) {
    const list = bySlice.get(b.sliceIndex);
    if (list) list.push(b);
    else bySlice.set(b.sliceIndex, [b]);
  }
  return bySlice;
}
