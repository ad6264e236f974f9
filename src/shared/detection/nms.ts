/**
 * Greedy non-maximum suppression over boxes stored n·4 (x1, y1, x2, y2).
 *
 * A candidate is suppressed when its IoU with an already kept box exceeds the threshold. Comparing
 * each candidate only with the kept boxes that can overlap it gives the same result as torchvision's
 * loop over all pairs, in at most O(n · kept) and usually far less.
 */

const f = Math.fround;

/** IoU as torchvision's CPU kernel computes it, in float32: boxes without area give 0 or NaN, never suppress. */
function iouTorchvision(b: Float32Array, areas: Float32Array, i: number, j: number): number {
  const w = Math.max(0, f(Math.min(b[4 * i + 2]!, b[4 * j + 2]!) - Math.max(b[4 * i]!, b[4 * j]!)));
  const h = Math.max(0, f(Math.min(b[4 * i + 3]!, b[4 * j + 3]!) - Math.max(b[4 * i + 1]!, b[4 * j + 1]!)));
  const inter = f(w * h);
  return f(inter / f(f(areas[i]! + areas[j]!) - inter));
}

/**
 * IoU as tf.image.non_max_suppression computes it (non_max_suppression_op.cc), in float32, on boxes
 * whose corners are already ordered; 0 when either box has no positive area.
 */
function iouTensorflow(b: Float32Array, i: number, j: number): number {
  const areaA = f(f(b[4 * i + 2]! - b[4 * i]!) * f(b[4 * i + 3]! - b[4 * i + 1]!));
  const areaB = f(f(b[4 * j + 2]! - b[4 * j]!) * f(b[4 * j + 3]! - b[4 * j + 1]!));
  if (areaA <= 0 || areaB <= 0) return 0;
  const w = Math.max(f(Math.min(b[4 * i + 2]!, b[4 * j + 2]!) - Math.max(b[4 * i]!, b[4 * j]!)), 0);
  const h = Math.max(f(Math.min(b[4 * i + 3]!, b[4 * j + 3]!) - Math.max(b[4 * i + 1]!, b[4 * j + 1]!)), 0);
  const inter = f(w * h);
  return f(inter / f(f(areaA + areaB) - inter));
}

/** Candidate indices, best score first; equal scores keep the lower index first (torchvision's stable sort, TF's queue). */
export function orderByScore(scores: ArrayLike<number>, indices?: ArrayLike<number>): Int32Array {
  const order = indices ? Int32Array.from(indices) : Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

function checkBoxes(boxes: Float32Array, scores: ArrayLike<number>): void {
  if (boxes.length !== scores.length * 4) {
    throw new Error(`nms: ${boxes.length / 4} boxes but ${scores.length} scores`);
  }
}

function boxAreas(boxes: Float32Array): Float32Array {
  const areas = new Float32Array(boxes.length / 4);
  for (let i = 0; i < areas.length; i++) {
    areas[i] = f(f(boxes[4 * i + 2]! - boxes[4 * i]!) * f(boxes[4 * i + 3]! - boxes[4 * i + 1]!));
  }
  return areas;
}

/**
 * Kept boxes bucketed by their top-left corner on a coarse grid. A kept box can only overlap a
 * candidate if its corner lies within one box size (the largest among the candidates) before the
 * candidate's, so a candidate looks at a few cells instead of every kept box. Non-finite
 * coordinates put everything in one cell.
 */
interface Grid {
  minX: number;
  minY: number;
  cellW: number;
  cellH: number;
  nx: number;
  ny: number;
  maxW: number;
  maxH: number;
  cells: (number[] | undefined)[];
}

const MAX_CELLS_PER_SIDE = 64;

function makeGrid(boxes: Float32Array, order: Int32Array): Grid {
  let [minX, minY, maxX, maxY, maxW, maxH] = [Infinity, Infinity, -Infinity, -Infinity, 0, 0];
  let finite = true;
  for (const i of order) {
    const [x1, y1, x2, y2] = [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!];
    finite &&= Number.isFinite(x1 + y1 + x2 + y2);
    minX = Math.min(minX, x1);
    minY = Math.min(minY, y1);
    maxX = Math.max(maxX, x1);
    maxY = Math.max(maxY, y1);
    maxW = Math.max(maxW, x2 - x1);
    maxH = Math.max(maxH, y2 - y1);
  }
  const side = (range: number, size: number) =>
    finite && range > 0
      ? Math.max(1, Math.min(MAX_CELLS_PER_SIDE, Math.floor(range / Math.max(size, 1e-9))))
      : 1;
  const nx = side(maxX - minX, maxW);
  const ny = side(maxY - minY, maxH);
  return {
    minX,
    minY,
    cellW: (maxX - minX) / nx,
    cellH: (maxY - minY) / ny,
    nx,
    ny,
    maxW,
    maxH,
    cells: new Array<number[] | undefined>(nx * ny),
  };
}

function cellOf(v: number, min: number, size: number, n: number): number {
  return n === 1 ? 0 : Math.min(n - 1, Math.max(0, Math.floor((v - min) / size)));
}

/**
 * The greedy loop: candidates in `order`, each compared with the boxes kept so far (of its own
 * label when `labels` is given). Boxes that do not overlap have IoU 0 (or NaN), which never exceeds
 * a threshold ≥ 0, so those pairs are skipped before the float32 IoU.
 */
function greedy(
  boxes: Float32Array,
  order: Int32Array,
  threshold: number,
  maxOutput: number,
  iou: (kept: number, candidate: number) => number,
  labels?: ArrayLike<number>,
): Int32Array {
  const kept: number[] = [];
  const skipDisjoint = threshold >= 0;
  const g = makeGrid(boxes, skipDisjoint ? order : new Int32Array(0));
  const suppressed = (i: number): boolean => {
    const [x1, y1, x2, y2] = [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!];
    // Margins cover the rounding of x1 − maxW.
    const fromX = cellOf(x1 - g.maxW - 1e-9 * (Math.abs(x1) + g.maxW), g.minX, g.cellW, g.nx);
    const fromY = cellOf(y1 - g.maxH - 1e-9 * (Math.abs(y1) + g.maxH), g.minY, g.cellH, g.ny);
    const toX = cellOf(x2, g.minX, g.cellW, g.nx);
    const toY = cellOf(y2, g.minY, g.cellH, g.ny);
    for (let cy = fromY; cy <= toY; cy++) {
      for (let cx = fromX; cx <= toX; cx++) {
        for (const k of g.cells[cy * g.nx + cx] ?? []) {
          if (labels && labels[k] !== labels[i]) continue;
          const o = 4 * k;
          if (
            skipDisjoint &&
            (boxes[o]! >= x2 || boxes[o + 2]! <= x1 || boxes[o + 1]! >= y2 || boxes[o + 3]! <= y1)
          ) {
            continue;
          }
          if (iou(k, i) > threshold) return true;
        }
      }
    }
    return false;
  };
  for (const i of order) {
    if (kept.length >= maxOutput) break;
    if (suppressed(i)) continue;
    kept.push(i);
    const cell =
      cellOf(boxes[4 * i + 1]!, g.minY, g.cellH, g.ny) * g.nx + cellOf(boxes[4 * i]!, g.minX, g.cellW, g.nx);
    (g.cells[cell] ??= []).push(i);
  }
  return Int32Array.from(kept);
}

/**
 * torchvision.ops.nms: indices (into `boxes`) of the kept boxes, best score first. `indices`
 * restricts it to those candidates.
 */
export function nms(
  boxes: Float32Array,
  scores: ArrayLike<number>,
  iouThreshold: number,
  indices?: ArrayLike<number>,
): Int32Array {
  checkBoxes(boxes, scores);
  const areas = boxAreas(boxes);
  const order = orderByScore(scores, indices);
  return greedy(boxes, order, iouThreshold, Infinity, (k, i) => iouTorchvision(boxes, areas, k, i));
}

/**
 * torchvision.ops.batched_nms: NMS within each label only; the kept indices best score first
 * (equal scores: lower index first). One pass in score order gives the per-label results already
 * merged in that order.
 */
export function batchedNms(
  boxes: Float32Array,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  iouThreshold: number,
): Int32Array {
  checkBoxes(boxes, scores);
  if (labels.length !== scores.length)
    throw new Error(`nms: ${labels.length} labels but ${scores.length} scores`);
  const areas = boxAreas(boxes);
  const order = orderByScore(scores);
  return greedy(
    boxes,
    order,
    iouThreshold,
    order.length,
    (k, i) => iouTorchvision(boxes, areas, k, i),
    labels,
  );
}

/**
 * tf.image.non_max_suppression (TensorFlow 2.x CPU kernel), as keras-retinanet's filter_detections
 * calls it: at most `maxOutput` kept, best score first. The threshold is a float32 tensor there.
 */
export function nmsTensorflow(
  boxes: Float32Array,
  scores: ArrayLike<number>,
  iouThreshold: number,
  maxOutput: number,
  indices?: ArrayLike<number>,
): Int32Array {
  checkBoxes(boxes, scores);
  // TF reads corners in either order; ordered corners keep the overlap pre-check valid.
  const ordered = new Float32Array(boxes.length);
  for (let o = 0; o < boxes.length; o += 4) {
    ordered[o] = Math.min(boxes[o]!, boxes[o + 2]!);
    ordered[o + 1] = Math.min(boxes[o + 1]!, boxes[o + 3]!);
    ordered[o + 2] = Math.max(boxes[o]!, boxes[o + 2]!);
    ordered[o + 3] = Math.max(boxes[o + 1]!, boxes[o + 3]!);
  }
  const order = orderByScore(scores, indices);
  return greedy(ordered, order, f(iouThreshold), maxOutput, (k, i) => iouTensorflow(ordered, k, i));
}
