// The evaluator's data model: one model's detections on a set of images against their ground truth.
// Boxes are corners in an image's continuous pixel coordinates (x1, y1, x2, y2; no "+1" convention).
// Conventions (matching, AP, FROC) follow pycocotools and nnDetection, as ../shared/golden/eval
// describes; see match.ts, averagePrecision.ts and froc.ts.

export type Corners = readonly [number, number, number, number];

/** An evaluated image: a whole slice of a study, or one 128×128 patch of a patch set. */
export interface EvalImage {
  /** Unique among the images, e.g. `${sopInstanceUid}` or `${sop}#${x},${y}` for a patch. */
  key: string;
  /** The bootstrap and the folds resample patients with all their images. */
  patientId: string;
}

/** Boxes of one kind, column by column (a cohort has millions of predictions: no object per box). */
export interface BoxColumns {
  /** Index into `EvalInput.images`, per box. */
  image: Int32Array;
  /** Index into `EvalInput.labels`, per box. */
  label: Int32Array;
  /** x1, y1, x2, y2 per box. */
  boxes: Float64Array;
}

export interface PredictionColumns extends BoxColumns {
  scores: Float64Array;
}

/**
 * One model's evaluation input. Every listed image counts (FPPI's denominator), including images
 * with no box at all. Boxes are grouped by image in ascending image index; within an image the
 * listed order of predictions breaks score ties and the listed order of ground-truth boxes breaks
 * IoU ties (build inputs with `evalInput` in input.ts, which sorts stably by image).
 */
export interface EvalInput {
  images: readonly EvalImage[];
  labels: readonly string[];
  groundTruth: BoxColumns;
  predictions: PredictionColumns;
}

/** Row forms, for building inputs from files and in tests (see `evalInput`). */
export interface EvalGroundTruth {
  image: number;
  label: string;
  box: Corners;
}

export interface EvalPrediction extends EvalGroundTruth {
  score: number;
}

export interface EvalSettings {
  /** A prediction hits a ground-truth box of its label when IoU ≥ this (inclusive). The paper: 0.1. */
  iouThreshold: number;
  /** The operating point counts predictions with score ≥ this (inclusive). The paper: 0.1. */
  scoreThreshold: number;
  /** Per-image cap for AP, as COCO's maxDets (100); null for none. Operating points and FROC use no cap. */
  maxDetectionsAp: number | null;
  /** FPPI rates at which FROC sensitivity is read; CPM is their mean. */
  frocRates: readonly number[];
}

export const DEFAULT_EVAL_SETTINGS: EvalSettings = {
  iouThreshold: 0.1,
  scoreThreshold: 0.1,
  maxDetectionsAp: 100,
  frocRates: [0.125, 0.25, 0.5, 1, 2, 4, 8],
};

export interface OperatingPoint {
  scoreThreshold: number;
  tp: number;
  fp: number;
  fn: number;
  /** tp / (tp + fn); null without ground truth. */
  sensitivity: number | null;
  /** fp / number of evaluated images. */
  fppi: number;
  /** tp / (tp + fp); null when no prediction takes part. */
  precision: number | null;
}

export interface AveragePrecision {
  /** COCO's 101-point interpolated AP; −1 when there is no ground truth (undefined). */
  ap101: number;
  /** Non-interpolated step AP: Σ (recall_i − recall_{i−1}) · precision_i over the ranked list. */
  apStep: number;
  /** Recall reached with every kept prediction; −1 without ground truth. */
  maxRecall: number;
}

export interface FrocPoint {
  fppi: number;
  sensitivity: number;
  /** The score threshold of this point (predictions with score ≥ it are counted). */
  score: number;
}

export interface Froc {
  /** From (0, 0), one point per distinct score, highest first. */
  curve: FrocPoint[];
  /** Sensitivity at each of `EvalSettings.frocRates` (numpy interp semantics); null where undefined. */
  sensitivityAtRates: (number | null)[];
  /** Mean of `sensitivityAtRates`; null where undefined. */
  cpm: number | null;
  numGt: number;
  numDetections: number;
  numMatched: number;
}

export interface LabelEvaluation {
  label: string;
  numGt: number;
  numPredictions: number;
  operatingPoint: OperatingPoint;
  ap: AveragePrecision;
  froc: Froc;
}

export interface Evaluation {
  settings: EvalSettings;
  numImages: number;
  numPatients: number;
  /** One entry per label that has ground truth or predictions, sorted by label. */
  perLabel: LabelEvaluation[];
  /** All labels pooled (boxes only match their own label). */
  overall: {
    operatingPoint: OperatingPoint;
    /** Mean of the labels' ap101 (labels with ground truth only); −1 when none has any. */
    mAP: number;
    froc: Froc;
  };
}

/** A percentile interval (2.5th and 97.5th percentiles of the resampled values by default). */
export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapResult {
  resamples: number;
  seed: number;
  /** Intervals of the overall metrics; null where the metric is undefined in too many resamples. */
  sensitivity: Interval | null;
  fppi: Interval;
  precision: Interval | null;
  ap101: Interval | null;
  cpm: Interval | null;
  /** FROC band: sensitivity interval at each FPPI of `fppi` (a fixed grid spanning the rates). */
  frocBand: { fppi: number[]; low: number[]; high: number[] };
}

export interface FoldEvaluation {
  fold: number;
  numPatients: number;
  evaluation: Evaluation;
}

export interface MeanSd {
  mean: number;
  sd: number;
  /** Folds in which the metric was defined. */
  n: number;
}

export interface CrossValidation {
  folds: FoldEvaluation[];
  /** Mean ± sample SD across folds (the paper's Table 1 reports these and calls them a 95% CI). */
  sensitivity: MeanSd;
  fppi: MeanSd;
  precision: MeanSd;
  ap101: MeanSd;
  cpm: MeanSd;
}
