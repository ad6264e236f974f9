// One run's (or one model's runs') evaluation input cut out of an evaluation dataset, and the dataset
// in patch units. Free of zod (types only from dataset.ts), so the renderer can use it under its CSP.
import type { EvaluationDataset } from './dataset';
import { columnsInWindows, type PatchWindow } from './patches';
import type { EvalImage, EvalInput } from './types';

/**
 * One run's evaluation input over its own images (every slice of its series): ground truth restricted to
 * those images, every index remapped to the run's image list.
 */
export function runEvalInput(dataset: EvaluationDataset, runIndex: number): EvalInput {
  return pooledEvalInput(dataset, [runIndex]);
}

/**
 * Several runs (typically one model's runs on different series of a cohort) as one evaluation input
 * over the union of their images. Runs covering a common image cannot be pooled (an image would carry
 * two predictions sets): that throws.
 */
export function pooledEvalInput(dataset: EvaluationDataset, runIndices: readonly number[]): EvalInput {
  const n = dataset.images.length;
  // Dataset image index → index in the pooled list (−1: not evaluated).
  const local = new Int32Array(n).fill(-1);
  const runs = runIndices.map((r) => {
    const run = dataset.runs[r];
    if (!run) throw new RangeError(`no run at index ${r} (the dataset has ${dataset.runs.length})`);
    for (const i of run.images) {
      if (i < 0 || i >= n) throw new RangeError(`run ${run.run.id} lists image ${i} of ${n}`);
      if (local[i] !== -1) {
        throw new RangeError(`runs overlap on slice ${dataset.images[i]?.key ?? i}: they cannot be pooled`);
      }
      local[i] = 0;
    }
    return run;
  });
  // Keep the dataset's image order, so that boxes grouped by ascending image stay grouped.
  const images: EvalImage[] = [];
  for (let i = 0; i < n; i++) {
    if (local[i] === -1) continue;
    const img = dataset.images[i]!;
    local[i] = images.length;
    images.push({ key: img.key, patientId: img.patientId });
  }
  const predictions =
    runs.length === 1
      ? remap(runs[0]!.predictions, local)
      : remap(mergeByImage(runs.map((r) => r.predictions)), local);
  return {
    images,
    labels: dataset.labels,
    groundTruth: remap(dataset.groundTruth, local),
    predictions,
  };
}

interface Columns {
  image: Int32Array;
  label: Int32Array;
  boxes: Float64Array;
  scores?: Float64Array;
}

/** The boxes on kept images (local index ≥ 0), image indices replaced by local ones; order kept. */
function remap<T extends Columns>(c: T, local: Int32Array): T {
  let count = 0;
  for (const i of c.image) if ((local[i] ?? -1) >= 0) count++;
  const image = new Int32Array(count);
  const label = new Int32Array(count);
  const boxes = new Float64Array(count * 4);
  const scores = c.scores ? new Float64Array(count) : undefined;
  let k = 0;
  for (let j = 0; j < c.image.length; j++) {
    const to = local[c.image[j]!] ?? -1;
    if (to < 0) continue;
    image[k] = to;
    label[k] = c.label[j]!;
    boxes.set(c.boxes.subarray(j * 4, j * 4 + 4), k * 4);
    if (scores && c.scores) scores[k] = c.scores[j]!;
    k++;
  }
  return (scores ? { image, label, boxes, scores } : { image, label, boxes }) as T;
}

/** Prediction columns of disjoint image sets, merged into one set grouped by ascending image (stable). */
function mergeByImage(parts: readonly Required<Columns>[]): Required<Columns> {
  const rows: [part: number, row: number][] = [];
  parts.forEach((p, pi) => {
    for (let j = 0; j < p.image.length; j++) rows.push([pi, j]);
  });
  const imageOf = ([pi, j]: [number, number]): number => parts[pi]!.image[j]!;
  // Array.prototype.sort is stable: rows of one image keep their order within their run.
  rows.sort((a, b) => imageOf(a) - imageOf(b));
  const n = rows.length;
  const out = {
    image: new Int32Array(n),
    label: new Int32Array(n),
    boxes: new Float64Array(n * 4),
    scores: new Float64Array(n),
  };
  rows.forEach(([pi, j], k) => {
    const p = parts[pi]!;
    out.image[k] = p.image[j]!;
    out.label[k] = p.label[j]!;
    out.boxes.set(p.boxes.subarray(j * 4, j * 4 + 4), k * 4);
    out.scores[k] = p.scores[j]!;
  });
  return out;
}

/**
 * The dataset with patches as its images (the paper's unit): each window becomes an image, with the
 * ground truth and each run's predictions that fall in it (see patches.ts), in window coordinates.
 */
export function patchDataset(
  dataset: EvaluationDataset,
  windows: readonly PatchWindow[],
  minGtFraction = 0.5,
): EvaluationDataset {
  const n = dataset.images.length;
  const images = windows.map((w) => {
    const slice = dataset.images[w.image];
    if (!slice) throw new RangeError(`patch window on image ${w.image} of ${n}`);
    const { x, y, width, height } = w;
    return { ...slice, key: `${slice.key}#${x},${y}`, window: { x, y, width, height } };
  });
  return {
    reader: dataset.reader,
    images,
    labels: dataset.labels,
    groundTruth: columnsInWindows(dataset.groundTruth, windows, n, minGtFraction),
    runs: dataset.runs.map((r) => {
      const covered = new Set(r.images);
      const own: number[] = [];
      windows.forEach((w, k) => {
        if (covered.has(w.image)) own.push(k);
      });
      return {
        run: r.run,
        images: Int32Array.from(own),
        predictions: columnsInWindows(r.predictions, windows, n, minGtFraction),
      };
    }),
  };
}
