/**
 * Rasterising ellipses into a float HU image. Every shape of the phantom is an (optionally rotated) ellipse; a pixel
 * belongs to it when the pixel's centre lies inside, with pixel (i, j) covering [i, i+1) × [j, j+1) in continuous
 * pixel coordinates. Each ellipse is turned into one span of columns per row analytically, so the cost is the number of
 * rows plus the pixels written, and the hot loops touch only typed arrays.
 */

/** An ellipse in continuous pixel coordinates; `angle` (radians) rotates the `rx` axis from +x towards +y. */
export interface PixelEllipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  angle: number;
}

/** The bounding box of the pixels a shape covers: x1, y1 inclusive, x2, y2 exclusive (so a width of x2 − x1). */
export interface PixelBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface HuImage {
  width: number;
  height: number;
  data: Float32Array;
}

export function createHuImage(width: number, height: number, fill: number): HuImage {
  const data = new Float32Array(width * height);
  data.fill(fill);
  return { width, height, data };
}

/**
 * Writes the spans of `e` clipped to a width × height grid into `spans` as (row, firstColumn, lastColumn) triplets,
 * both columns inclusive, and returns how many spans there are. `spans` needs 3 × height entries.
 */
export function ellipseSpans(e: PixelEllipse, width: number, height: number, spans: Int32Array): number {
  if (!(e.rx > 0 && e.ry > 0)) return 0;
  const c = Math.cos(e.angle);
  const s = Math.sin(e.angle);
  const ia = 1 / (e.rx * e.rx);
  const ib = 1 / (e.ry * e.ry);
  // Quadratic form A x² + B x y + C y² ≤ 1 of the rotated ellipse, x and y relative to its centre.
  const A = c * c * ia + s * s * ib;
  const B = 2 * c * s * (ia - ib);
  const C = s * s * ia + c * c * ib;
  const halfHeight = Math.sqrt(e.rx * e.rx * s * s + e.ry * e.ry * c * c);
  const rowStart = Math.max(0, Math.floor(e.cy - halfHeight - 0.5));
  const rowEnd = Math.min(height - 1, Math.ceil(e.cy + halfHeight - 0.5));
  let n = 0;
  for (let row = rowStart; row <= rowEnd; row++) {
    const y = row + 0.5 - e.cy;
    const by = B * y;
    const disc = by * by - 4 * A * (C * y * y - 1);
    if (disc < 0) continue;
    const root = Math.sqrt(disc);
    const xLo = (-by - root) / (2 * A);
    const xHi = (-by + root) / (2 * A);
    const first = Math.max(0, Math.ceil(e.cx + xLo - 0.5));
    const last = Math.min(width - 1, Math.floor(e.cx + xHi - 0.5));
    if (last < first) continue;
    spans[n * 3] = row;
    spans[n * 3 + 1] = first;
    spans[n * 3 + 2] = last;
    n++;
  }
  return n;
}

/** Bounding box of the spans, or null when the shape covers no pixel centre. */
export function spansBox(spans: Int32Array, count: number): PixelBox | null {
  if (count === 0) return null;
  let x1 = Infinity;
  let x2 = -Infinity;
  let y1 = Infinity;
  let y2 = -Infinity;
  for (let k = 0; k < count; k++) {
    const row = spans[k * 3] as number;
    const first = spans[k * 3 + 1] as number;
    const last = spans[k * 3 + 2] as number;
    if (row < y1) y1 = row;
    if (row > y2) y2 = row;
    if (first < x1) x1 = first;
    if (last > x2) x2 = last;
  }
  return { x1, y1, x2: x2 + 1, y2: y2 + 1 };
}

/** Sets every covered pixel to `value`. */
export function fillSpans(img: HuImage, spans: Int32Array, count: number, value: number): void {
  const { data, width } = img;
  for (let k = 0; k < count; k++) {
    const base = (spans[k * 3] as number) * width;
    data.fill(value, base + (spans[k * 3 + 1] as number), base + (spans[k * 3 + 2] as number) + 1);
  }
}

/**
 * Sets covered pixels whose current value is below `below` to `value`: used for oedema (fat stranding raises only fat,
 * not the muscle or vessels it surrounds).
 */
export function replaceBelowSpans(
  img: HuImage,
  spans: Int32Array,
  count: number,
  below: number,
  value: number,
): void {
  const { data, width } = img;
  for (let k = 0; k < count; k++) {
    const base = (spans[k * 3] as number) * width;
    const end = base + (spans[k * 3 + 2] as number);
    for (let p = base + (spans[k * 3 + 1] as number); p <= end; p++) {
      if ((data[p] as number) < below) data[p] = value;
    }
  }
}

/**
 * Pulls covered pixels whose current value is at least `above` towards `value` with a weight that is 1 out to
 * `innerFraction` of the ellipse's normalised radius and falls smoothly to 0 at its edge. This gives the ill-defined
 * edge of a mixing artefact; the `above` guard keeps it inside the enhanced lumen.
 */
export function softBlendSpans(
  img: HuImage,
  e: PixelEllipse,
  spans: Int32Array,
  count: number,
  value: number,
  innerFraction: number,
  above: number,
): void {
  const { data, width } = img;
  const c = Math.cos(e.angle);
  const s = Math.sin(e.angle);
  const span = 1 - innerFraction;
  for (let k = 0; k < count; k++) {
    const row = spans[k * 3] as number;
    const base = row * width;
    const y = row + 0.5 - e.cy;
    const last = spans[k * 3 + 2] as number;
    for (let col = spans[k * 3 + 1] as number; col <= last; col++) {
      const p = base + col;
      const current = data[p] as number;
      if (current < above) continue;
      const x = col + 0.5 - e.cx;
      const u = (x * c + y * s) / e.rx;
      const v = (-x * s + y * c) / e.ry;
      const r = Math.sqrt(u * u + v * v);
      let w = r <= innerFraction ? 1 : 1 - (r - innerFraction) / span;
      if (w <= 0) continue;
      w = w * w * (3 - 2 * w); // smoothstep, so the edge has no visible ring
      data[p] = current + (value - current) * w;
    }
  }
}
