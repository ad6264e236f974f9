// The paper's unit of evaluation: 128×128 patches (at 0.695 mm) around the iliofemoral veins, rather
// than whole slices. A patch set is a list of windows on slices; each window becomes one evaluated
// image, with the ground truth and predictions that fall in it, in the window's own coordinates.
import type { EvalImage, EvalInput } from './types';

/** A window on one slice-level image, in that image's pixel coordinates. */
export interface PatchWindow {
  image: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SliceGeometry {
  cols: number;
  rows: number;
  /** mm between columns (x) and between rows (y). */
  colSpacing: number;
  rowSpacing: number;
}

/** The paper's patch: 128 pixels at 0.695 mm. */
export const PAPER_PATCH_MM = 128 * 0.695;

/**
 * Windows of `sizeMm` × `sizeMm` centred on each point, moved inside their slice (a slice smaller than
 * the window gives the whole slice); a window already in the list is not repeated.
 */
export function patchWindowsAround(
  centres: readonly { image: number; x: number; y: number }[],
  geometryOf: (image: number) => SliceGeometry,
  sizeMm = PAPER_PATCH_MM,
): PatchWindow[] {
  const seen = new Set<string>();
  const windows: PatchWindow[] = [];
  for (const c of centres) {
    const g = geometryOf(c.image);
    const width = Math.min(g.cols, Math.round(sizeMm / g.colSpacing));
    const height = Math.min(g.rows, Math.round(sizeMm / g.rowSpacing));
    const x = Math.min(Math.max(0, Math.round(c.x - width / 2)), g.cols - width);
    const y = Math.min(Math.max(0, Math.round(c.y - height / 2)), g.rows - height);
    const key = `${c.image}:${x}:${y}:${width}:${height}`;
    if (seen.has(key)) continue;
    seen.add(key);
    windows.push({ image: c.image, x, y, width, height });
  }
  return windows.sort((a, b) => a.image - b.image || a.y - b.y || a.x - b.x);
}

/** [start, end) of each image's rows in columns grouped by ascending image. */
function rangesByImage(image: Int32Array, images: number): Int32Array {
  const r = new Int32Array(images * 2);
  for (let i = 0; i < image.length; i++) {
    const m = image[i]!;
    if (r[2 * m + 1] === 0) r[2 * m] = i;
    r[2 * m + 1] = i + 1;
  }
  return r;
}

function clipped(
  b: Float64Array,
  i: number,
  w: PatchWindow,
): { x1: number; y1: number; x2: number; y2: number; area: number } | null {
  const x1 = Math.max(b[4 * i]!, w.x);
  const y1 = Math.max(b[4 * i + 1]!, w.y);
  const x2 = Math.min(b[4 * i + 2]!, w.x + w.width);
  const y2 = Math.min(b[4 * i + 3]!, w.y + w.height);
  if (x2 <= x1 || y2 <= y1) return null;
  return { x1: x1 - w.x, y1: y1 - w.y, x2: x2 - w.x, y2: y2 - w.y, area: (x2 - x1) * (y2 - y1) };
}

interface Columns {
  image: Int32Array;
  label: Int32Array;
  boxes: Float64Array;
  scores?: Float64Array;
}

/**
 * The boxes of `c` that fall in each window, window by window (so grouped by ascending window), in
 * the window's coordinates. Ground truth belongs to a window when at least `minGtFraction` of its
 * area lies inside; a prediction (columns with scores) when its centre does. Both are clipped.
 */
export function columnsInWindows<T extends Columns>(
  c: T,
  windows: readonly PatchWindow[],
  imageCount: number,
  minGtFraction: number,
): T {
  const range = rangesByImage(c.image, imageCount);
  const image: number[] = [];
  const label: number[] = [];
  const boxes: number[] = [];
  const scores: number[] = [];
  windows.forEach((w, k) => {
    for (let i = range[2 * w.image]!; i < range[2 * w.image + 1]!; i++) {
      const box = clipped(c.boxes, i, w);
      if (!box) continue;
      if (c.scores) {
        const cx = (c.boxes[4 * i]! + c.boxes[4 * i + 2]!) / 2;
        const cy = (c.boxes[4 * i + 1]! + c.boxes[4 * i + 3]!) / 2;
        if (cx < w.x || cx >= w.x + w.width || cy < w.y || cy >= w.y + w.height) continue;
        scores.push(c.scores[i]!);
      } else {
        const full = (c.boxes[4 * i + 2]! - c.boxes[4 * i]!) * (c.boxes[4 * i + 3]! - c.boxes[4 * i + 1]!);
        if (box.area < minGtFraction * full) continue;
      }
      image.push(k);
      label.push(c.label[i]!);
      boxes.push(box.x1, box.y1, box.x2, box.y2);
    }
  });
  const out = {
    image: Int32Array.from(image),
    label: Int32Array.from(label),
    boxes: Float64Array.from(boxes),
  };
  return (c.scores ? { ...out, scores: Float64Array.from(scores) } : out) as T;
}

/**
 * Slice-level input → patch-level input. Each window is an image (same patient, key
 * `${slice key}#${x},${y}`). A ground-truth box belongs to a window when at least `minGtFraction`
 * of its area lies inside (it is clipped to the window); a prediction belongs to a window when its
 * centre lies inside (clipped likewise). Overlapping windows may share a box, as overlapping patches
 * of a patch set do. Listed orders are kept, so tie-breaks stay those of the slices.
 */
export function toPatchUnits(
  input: EvalInput,
  windows: readonly PatchWindow[],
  minGtFraction = 0.5,
): EvalInput {
  const images: EvalImage[] = windows.map((w) => {
    const slice = input.images[w.image];
    if (!slice) throw new RangeError(`patch window on image ${w.image} of ${input.images.length}`);
    return { key: `${slice.key}#${w.x},${w.y}`, patientId: slice.patientId };
  });
  const n = input.images.length;
  return {
    images,
    labels: input.labels,
    groundTruth: columnsInWindows(input.groundTruth, windows, n, minGtFraction),
    predictions: columnsInWindows(input.predictions, windows, n, minGtFraction),
  };
}
