// What main sends the renderer for evaluating runs against one reader's boxes (channel
// 'evaluation:dataset'), and how one run's evaluation input is cut out of it. The renderer recomputes
// the metrics live with the pure evaluator (./index.ts) as the user moves thresholds.
//
// Boxes are corners in continuous DICOM pixel coordinates of their slice (x1, y1, x2, y2), as readers'
// boxes and predictions are stored (shared/annotation/schemas.ts). Columns are grouped by image in
// ascending image index; within an image, ground truth keeps the order the boxes were drawn in and
// predictions the order the run stored them in (the evaluator's tie-break orders).
import { z } from 'zod';
import { Reader } from '../annotation/schemas';
import { SeriesUid } from '../ids';
import { RunSummary } from '../inference/schemas';
import type { EvalImage, EvalInput } from './types';
import { columnsInWindows, type PatchWindow } from './patches';

const Int32Column = z.custom<Int32Array>((v) => v instanceof Int32Array, { message: 'expected Int32Array' });
const Float64Column = z.custom<Float64Array>((v) => v instanceof Float64Array, {
  message: 'expected Float64Array',
});

/** One evaluated slice. */
export const EvaluationImage = z.object({
  /** The slice's SOP instance UID. */
  key: z.string(),
  /** The catalog's patient ID (patients.patient_id): the unit the bootstrap and the folds resample. */
  patientId: z.string(),
  seriesUid: SeriesUid,
  /** Index in anatomical order (0 = most cranial), as in SeriesDetail.slices. */
  sliceIndex: z.number().int().nonnegative(),
  /** For patch units: the patch's window on the slice (DICOM pixels); boxes are then relative to it. */
  window: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).optional(),
});
export type EvaluationImage = z.infer<typeof EvaluationImage>;

/** Boxes column by column: `image` indexes `images`, `label` indexes `labels`, `boxes` holds 4 numbers a box. */
export const BoxColumnsSchema = z.object({ image: Int32Column, label: Int32Column, boxes: Float64Column });
export const PredictionColumnsSchema = BoxColumnsSchema.extend({ scores: Float64Column });

export const EvaluationRun = z.object({
  run: RunSummary,
  /** Ascending indices into the dataset's `images` of the slices this run covers: every slice of its series. */
  images: Int32Column,
  /** The run's predictions; `image` indexes the dataset's `images` (not the run's own list). */
  predictions: PredictionColumnsSchema,
});
export type EvaluationRun = z.infer<typeof EvaluationRun>;

export const EvaluationDataset = z.object({
  /** Whose live boxes are the ground truth. */
  reader: Reader,
  /** Every slice of every series any of the runs covers, series by series, each in slice order. */
  images: z.array(EvaluationImage),
  /** The workspace's label list, then any other label a box or prediction carries. */
  labels: z.array(z.string()),
  /** The reader's live boxes on those series. */
  groundTruth: BoxColumnsSchema,
  runs: z.array(EvaluationRun),
});
export type EvaluationDataset = z.infer<typeof EvaluationDataset>;

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

/** Most folds a cohort is split into. */
export const MAX_FOLDS = 20;

/** The stored cross-validation split: every patient's fold (0 … k−1). k and seed are null until assigned. */
export const FoldAssignment = z.object({
  k: z.number().int().min(2).max(MAX_FOLDS).nullable(),
  seed: z.number().int().nonnegative().nullable(),
  /** By patient ID. */
  folds: z.array(z.object({ patientId: z.string(), fold: z.number().int().nonnegative() })),
});
export type FoldAssignment = z.infer<typeof FoldAssignment>;
