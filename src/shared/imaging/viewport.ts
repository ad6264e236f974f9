/**
 * Where an image sits in a view: canvas (CSS pixel) coordinates ↔ image pixel coordinates under zoom
 * and pan. Image coordinates are continuous, with the origin at the top-left corner of the first
 * pixel (as in geometry.ts), so pixel (col, row) covers [col, col + 1) × [row, row + 1) and its centre
 * is (col + 0.5, row + 0.5). Canvas coordinates have their origin at the view's top-left corner.
 *
 *   canvasX = offsetX + x × scale
 *   canvasY = offsetY + y × scale × aspect
 *
 * `aspect` is row spacing / column spacing, so that non-square pixels keep their true shape.
 */
export interface Viewport {
  /** CSS pixels per image column. */
  scale: number;
  /** Row spacing ÷ column spacing (1 for square pixels). */
  aspect: number;
  /** Canvas position of the image origin (top-left corner of the first pixel). */
  offsetX: number;
  offsetY: number;
}

export interface ImageSize {
  cols: number;
  rows: number;
}

export interface ViewSize {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 64;

/** Row spacing ÷ column spacing from PixelSpacing ([row, col] mm); 1 when unknown or nonsensical. */
export function pixelAspect(pixelSpacing: readonly [number, number] | null): number {
  if (!pixelSpacing) return 1;
  const [row, col] = pixelSpacing;
  return row > 0 && col > 0 && Number.isFinite(row / col) ? row / col : 1;
}

/** The largest scale at which the whole image fits the view, centred. */
export function fitToView(image: ImageSize, view: ViewSize, aspect = 1): Viewport {
  const scale = clampScale(Math.min(view.width / image.cols, view.height / (image.rows * aspect)));
  return {
    scale,
    aspect,
    offsetX: (view.width - image.cols * scale) / 2,
    offsetY: (view.height - image.rows * scale * aspect) / 2,
  };
}

export function canvasToImage(vp: Viewport, cx: number, cy: number): Point {
  return { x: (cx - vp.offsetX) / vp.scale, y: (cy - vp.offsetY) / (vp.scale * vp.aspect) };
}

export function imageToCanvas(vp: Viewport, x: number, y: number): Point {
  return { x: vp.offsetX + x * vp.scale, y: vp.offsetY + y * vp.scale * vp.aspect };
}

/** The pixel (integer column and row) under a canvas point, or null outside the image. */
export function pixelAt(
  vp: Viewport,
  cx: number,
  cy: number,
  image: ImageSize,
): { col: number; row: number } | null {
  const p = canvasToImage(vp, cx, cy);
  const col = Math.floor(p.x);
  const row = Math.floor(p.y);
  if (col < 0 || row < 0 || col >= image.cols || row >= image.rows) return null;
  return { col, row };
}

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** Zooms by `factor` about a canvas point, which keeps showing the same image point. */
export function zoomAt(vp: Viewport, factor: number, cx: number, cy: number): Viewport {
  const scale = clampScale(vp.scale * factor);
  const p = canvasToImage(vp, cx, cy);
  return { scale, aspect: vp.aspect, offsetX: cx - p.x * scale, offsetY: cy - p.y * scale * vp.aspect };
}

export function panBy(vp: Viewport, dx: number, dy: number): Viewport {
  return { ...vp, offsetX: vp.offsetX + dx, offsetY: vp.offsetY + dy };
}

/** After the view changes size, keeps the image point that was at the view's centre at the centre. */
export function resizeView(vp: Viewport, from: ViewSize, to: ViewSize): Viewport {
  return panBy(vp, (to.width - from.width) / 2, (to.height - from.height) / 2);
}
