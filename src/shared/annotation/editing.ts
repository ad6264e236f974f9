// Pure box editing for the annotation tools: drawing from a drag, the 8 resize handles, moving, hit
// testing, copy to a neighbouring slice and choosing the key boxes to interpolate between. Boxes are in
// the coordinates of shared/annotation/schemas.ts (continuous DICOM pixels, origin at the top-left corner
// of the first pixel). Hit tolerances are in screen pixels and turned into image pixels with the view's
// scale, so that a handle is as easy to grab at any zoom.
import type { DicomPixelBox } from '../reference/schemas';
import { clampBoxToImage, translateBoxWithin, type ImageShape } from './geometry';

export interface ImagePoint {
  x: number;
  y: number;
}

/** Smallest box a drag draws or a resize leaves, in image pixels: a click alone draws nothing. */
export const MIN_BOX_SIZE = 2;
/** How far from a handle (screen pixels) the cursor still grabs it. */
export const HANDLE_TOLERANCE_PX = 6;

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/** The box a drag from `a` to `b` draws, clamped to the image; null when smaller than `minSize` either way. */
export function boxFromDrag(
  a: ImagePoint,
  b: ImagePoint,
  image: ImageShape,
  minSize = MIN_BOX_SIZE,
): DicomPixelBox | null {
  // clampBoxToImage orders the corners, so a drag in any direction works.
  const box = clampBoxToImage({ space: 'dicom-pixel', x1: a.x, y1: a.y, x2: b.x, y2: b.y }, image);
  return box && box.x2 - box.x1 >= minSize && box.y2 - box.y1 >= minSize ? box : null;
}

/** The 8 handles: corners and edge midpoints, named by compass direction (n = top, image y down). */
export const HANDLES = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'] as const;
export type Handle = (typeof HANDLES)[number];

/** Where each handle sits on the box. */
export function handlePoint(box: DicomPixelBox, h: Handle): ImagePoint {
  const cx = (box.x1 + box.x2) / 2;
  const cy = (box.y1 + box.y2) / 2;
  const x = h.includes('w') ? box.x1 : h.includes('e') ? box.x2 : cx;
  const y = h.startsWith('n') ? box.y1 : h.startsWith('s') ? box.y2 : cy;
  return { x, y };
}

/**
 * The box with handle `h` dragged by (dx, dy) image pixels. The dragged edges stay inside the image and
 * at least `minSize` from the opposite edge (the box never flips), so the result is always storable.
 */
export function resizeBox(
  box: DicomPixelBox,
  h: Handle,
  dx: number,
  dy: number,
  image: ImageShape,
  minSize = MIN_BOX_SIZE,
): DicomPixelBox {
  let { x1, y1, x2, y2 } = box;
  if (h.includes('w')) x1 = clamp(x1 + dx, 0, x2 - minSize);
  if (h.includes('e')) x2 = clamp(x2 + dx, x1 + minSize, image.cols);
  if (h.startsWith('n')) y1 = clamp(y1 + dy, 0, y2 - minSize);
  if (h.startsWith('s')) y2 = clamp(y2 + dy, y1 + minSize, image.rows);
  return { space: 'dicom-pixel', x1, y1, x2, y2 };
}

/** The box moved by (dx, dy), stopped whole at the image's edge. */
export function moveBox(box: DicomPixelBox, dx: number, dy: number, image: ImageShape): DicomPixelBox {
  return translateBoxWithin(box, dx, dy, image);
}

/**
 * Screen pixels per image pixel along x and y (the viewport's scale and scale × aspect), to turn a
 * tolerance in screen pixels into image pixels.
 */
export interface ScreenScale {
  x: number;
  y: number;
}

/** The handle of `box` under the point, within `tolPx` screen pixels; the nearest when several are. */
export function handleAt(
  box: DicomPixelBox,
  p: ImagePoint,
  scale: ScreenScale,
  tolPx = HANDLE_TOLERANCE_PX,
): Handle | null {
  let best: Handle | null = null;
  let bestD = Infinity;
  for (const h of HANDLES) {
    const q = handlePoint(box, h);
    const dx = Math.abs(p.x - q.x) * scale.x;
    const dy = Math.abs(p.y - q.y) * scale.y;
    if (dx > tolPx || dy > tolPx) continue;
    const d = Math.hypot(dx, dy);
    if (d < bestD) {
      bestD = d;
      best = h;
    }
  }
  return best;
}

/**
 * The box under the point (inside, or within `tolPx` screen pixels of its outline). When boxes overlap
 * the smallest one wins, so that a small box drawn inside a large one can still be picked; ties go to
 * the one drawn last (later in the list).
 */
export function boxAt<B extends { box: DicomPixelBox }>(
  boxes: readonly B[],
  p: ImagePoint,
  scale: ScreenScale,
  tolPx = HANDLE_TOLERANCE_PX,
): B | null {
  let best: B | null = null;
  let bestArea = Infinity;
  const tx = tolPx / scale.x;
  const ty = tolPx / scale.y;
  for (const b of boxes) {
    const { x1, y1, x2, y2 } = b.box;
    if (p.x < x1 - tx || p.x > x2 + tx || p.y < y1 - ty || p.y > y2 + ty) continue;
    const area = (x2 - x1) * (y2 - y1);
    if (area <= bestArea) {
      bestArea = area;
      best = b;
    }
  }
  return best;
}

/** The slice a copy goes to (+1 next, −1 previous), or null past the first or last slice. */
export function copyTargetSlice(sliceIndex: number, delta: 1 | -1, sliceCount: number): number | null {
  const t = sliceIndex + delta;
  return t >= 0 && t < sliceCount ? t : null;
}

export interface SlicedBox {
  id: number;
  sliceIndex: number;
  label: string;
  box: DicomPixelBox;
}

/**
 * The key box to interpolate toward from `from`: among `candidates` (the same reader's boxes) one with
 * the same label on another slice, the nearest by slice, then by centre distance. Null when none, or when
 * the nearest is on an adjacent slice (nothing lies between).
 */
export function interpolationPartner<B extends SlicedBox>(from: B, candidates: readonly B[]): B | null {
  let best: B | null = null;
  let bestKey: [number, number] = [Infinity, Infinity];
  const centre = (b: DicomPixelBox): ImagePoint => ({ x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 });
  const c0 = centre(from.box);
  for (const c of candidates) {
    if (c.id === from.id || c.label !== from.label || c.sliceIndex === from.sliceIndex) continue;
    const c1 = centre(c.box);
    const key: [number, number] = [
      Math.abs(c.sliceIndex - from.sliceIndex),
      Math.hypot(c1.x - c0.x, c1.y - c0.y),
    ];
    if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
      best = c;
      bestKey = key;
    }
  }
  return best;
}
