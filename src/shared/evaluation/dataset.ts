// What main sends the renderer for evaluating runs against one reader's boxes (channel
// 'evaluation:dataset'), and how one run's evaluation input is cut out of it. The renderer recomputes
// the metrics live with the pure evaluator (./index.ts) as the user moves thresholds.
//
// Boxes are corners in continuous DICOM pixel coordinates of their slice (x1, y1, x2, y2), as readers'
// boxes and predictions are stored (shared/annotation/schemas.ts). Columns are grouped by image in
// ascending image index; within an image, ground truth keeps the order the boxes were drawn in and
// predictions the order the run stored them in (the evaluator's tie-break orders).
import { z } from 'zod';
// The pooling functions live in a zod-free module so the renderer can use them (its CSP forbids the
// `new Function` probe zod makes when it loads); they are re-exported here for main's callers.
export { patchDataset, pooledEvalInput, runEvalInput } from './pooling';
import { Reader } from '../annotation/schemas';
import { SeriesUid } from '../ids';
import { RunSummary } from '../inference/schemas';

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
