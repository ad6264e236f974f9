// AI-assisted reading: the triage worklist, the model's suggestions with the reader's decisions on
// them (accepted → a ground-truth box that keeps its provenance; rejected, with a reason), the reading
// clock, and readers' operating points against a reference reader. Boxes are in DICOM pixels as in
// shared/annotation/schemas.ts.
import { z } from 'zod';
import { BoxId, CaseStatus, Label, ReaderId } from '../annotation/schemas';
import { ModelId, RunId, SeriesUid, SopInstanceUid } from '../ids';
import { DicomPixelBox } from '../reference/schemas';

/** Row id of a stored prediction (a suggestion is a prediction of a finished run). */
export const PredictionId = z.number().int().positive().brand<'PredictionId'>();
export type PredictionId = z.infer<typeof PredictionId>;
/** Row id of a reader's decision on a suggestion. */
export const DecisionId = z.number().int().positive().brand<'DecisionId'>();
export type DecisionId = z.infer<typeof DecisionId>;

// The numbers of the rules live in a zod-free module the renderer can import.
export {
  DEFAULT_SUGGESTION_THRESHOLD,
  READING_HEARTBEAT_S,
  READING_MAX_GAP_S,
  REJECT_REASONS,
} from './constants';
const Threshold = z.number().min(0).max(1);

// ---------------------------------------------------------------------------------------------
// Worklist

/** Where the chosen model stands on a study: never run, waiting, running, finished, or failed. */
export const WorklistRunState = z.enum(['not-run', 'queued', 'running', 'done', 'failed']);
export type WorklistRunState = z.infer<typeof WorklistRunState>;

export const WorklistRow = z.object({
  seriesUid: SeriesUid,
  patientId: z.string(),
  patientName: z.string(),
  description: z.string(),
  studyDate: z.string(),
  slices: z.number().int().nonnegative(),
  /** The model's latest run on the series ('done' gives the scores below). */
  runState: WorklistRunState,
  runId: RunId.nullable(),
  /** Highest DVT score of the latest finished run; null until one finished (0 stays 0: none found). */
  maxScore: z.number().min(0).max(1).nullable(),
  /** Predictions of that run at or above the threshold. */
  suggestions: z.number().int().nonnegative(),
  /** The reader's case status ('not-started' without a reader). */
  status: CaseStatus,
});
export type WorklistRow = z.infer<typeof WorklistRow>;

export const Worklist = z.object({
  model: z.object({ id: ModelId, name: z.string() }),
  readerId: ReaderId.nullable(),
  threshold: Threshold,
  /** Ordered by suspicion (shared/reading/worklistOrder.ts). */
  rows: z.array(WorklistRow),
});
export type Worklist = z.infer<typeof Worklist>;

/** The model that new imports are run with automatically, if any. */
export const AutoRun = z.object({ modelId: ModelId.nullable() });
export type AutoRun = z.infer<typeof AutoRun>;

// ---------------------------------------------------------------------------------------------
// Suggestions and decisions

export const RejectReason = z.string().trim().min(1).max(200);

export const DecisionKind = z.enum(['accepted', 'rejected']);
export type DecisionKind = z.infer<typeof DecisionKind>;

/** A reader's decision on one suggestion; the suggestion's model, run, score and box are copied in. */
export const SuggestionDecision = z.object({
  id: DecisionId,
  seriesUid: SeriesUid,
  readerId: ReaderId,
  predictionId: PredictionId,
  runId: RunId,
  modelName: z.string(),
  modelSha256: z.string(),
  score: z.number().min(0).max(1),
  label: z.string(),
  sopInstanceUid: SopInstanceUid,
  /** The suggestion as the model gave it. */
  suggestedBox: DicomPixelBox,
  kind: DecisionKind,
  reason: z.string().nullable(),
  /** The ground-truth box an accept created (null for a rejection). */
  boxId: BoxId.nullable(),
  at: z.string(),
});
export type SuggestionDecision = z.infer<typeof SuggestionDecision>;

/** One prediction of a finished run at or above the threshold, with this reader's live decision. */
export const Suggestion = z.object({
  predictionId: PredictionId,
  runId: RunId,
  modelName: z.string(),
  sliceIndex: z.number().int().nonnegative(),
  sopInstanceUid: SopInstanceUid,
  label: z.string(),
  score: z.number().min(0).max(1),
  box: DicomPixelBox,
  decision: SuggestionDecision.nullable(),
});
export type Suggestion = z.infer<typeof Suggestion>;

/** Where an accepted box came from; `adjusted` when the box now differs from the suggestion. */
export const BoxProvenance = z.object({
  boxId: BoxId,
  decisionId: DecisionId,
  runId: RunId,
  modelName: z.string(),
  score: z.number().min(0).max(1),
  suggestedBox: DicomPixelBox,
  adjusted: z.boolean(),
});
export type BoxProvenance = z.infer<typeof BoxProvenance>;

// ---------------------------------------------------------------------------------------------
// Reading clock

/**
 * What the viewer reports about a case while a reader has it open: `open` when it is shown, `close`
 * when another case is opened or the window is left, `heartbeat` every READING_HEARTBEAT_S while it
 * stays open and visible. `suggestionsShown` says whether the model's suggestions were visible. Main
 * adds `done` itself when the reader marks the case done.
 */
export const ReadingEventKind = z.enum(['open', 'close', 'heartbeat', 'done']);
export type ReadingEventKind = z.infer<typeof ReadingEventKind>;

export const ReadingEvent = z.object({
  kind: ReadingEventKind,
  /** ISO 8601 (UTC). */
  at: z.string(),
  suggestionsShown: z.boolean(),
});
export type ReadingEvent = z.infer<typeof ReadingEvent>;

/** Reading time of one case by one reader (shared/reading/readingTime.ts has the rules). */
export const ReadingTime = z.object({
  seriesUid: SeriesUid,
  readerId: ReaderId,
  readerName: z.string(),
  seconds: z.number().nonnegative(),
  /** Suggestions were shown at some time while the case was read. */
  assisted: z.boolean(),
  /** Marked done; the time counts up to the (last) done. */
  done: z.boolean(),
  doneAt: z.string().nullable(),
});
export type ReadingTime = z.infer<typeof ReadingTime>;

// ---------------------------------------------------------------------------------------------
// Readers against a reference reader

export const Interval = z.object({ low: z.number(), high: z.number() });

/** A reader's operating point on the cases they marked done, against the reference reader. */
export const ReaderPoint = z.object({
  cases: z.number().int().nonnegative(),
  images: z.number().int().nonnegative(),
  tp: z.number().int().nonnegative(),
  fp: z.number().int().nonnegative(),
  fn: z.number().int().nonnegative(),
  sensitivity: z.number().nullable(),
  fppi: z.number(),
  precision: z.number().nullable(),
  /** 95 % bootstrap intervals over patients (null when the metric is undefined too often). */
  sensitivityCi: Interval.nullable(),
  fppiCi: Interval.nullable(),
  /** Reading time over the same cases (seconds), null when none was recorded. */
  medianSeconds: z.number().nullable(),
  meanSeconds: z.number().nullable(),
});
export type ReaderPoint = z.infer<typeof ReaderPoint>;

export const ReaderComparison = z.object({
  referenceReaderId: ReaderId,
  unit: z.enum(['slices', 'patches']),
  iouThreshold: z.number(),
  resamples: z.number().int().nonnegative(),
  readers: z.array(
    z.object({
      readerId: ReaderId,
      name: z.string(),
      /** All the reader's done cases; those read with suggestions shown; those read without. */
      all: ReaderPoint.nullable(),
      assisted: ReaderPoint.nullable(),
      unassisted: ReaderPoint.nullable(),
    }),
  ),
});
export type ReaderComparison = z.infer<typeof ReaderComparison>;

// ---------------------------------------------------------------------------------------------
// Channel inputs, used by the IPC contract (shared/ipc/contract.ts).

export const readingInputs = {
  worklist: z
    .object({ modelId: ModelId, readerId: ReaderId.nullable().optional(), threshold: Threshold.optional() })
    .strict(),
  autoRunSet: z.object({ modelId: ModelId.nullable() }).strict(),
  suggestions: z
    .object({ seriesUid: SeriesUid, readerId: ReaderId, runId: RunId, threshold: Threshold.optional() })
    .strict(),
  accept: z
    .object({
      readerId: ReaderId,
      predictionId: PredictionId,
      /** The reader's adjusted box (same slice); the suggestion's box when absent. */
      box: DicomPixelBox.optional(),
      label: Label.optional(),
    })
    .strict(),
  reject: z
    .object({ readerId: ReaderId, predictionId: PredictionId, reason: RejectReason.optional() })
    .strict(),
  undo: z.object({ readerId: ReaderId, decisionId: DecisionId }).strict(),
  provenance: z.object({ seriesUid: SeriesUid }).strict(),
  event: z
    .object({
      seriesUid: SeriesUid,
      readerId: ReaderId,
      kind: z.enum(['open', 'close', 'heartbeat']),
      suggestionsShown: z.boolean(),
    })
    .strict(),
  times: z.object({ readerId: ReaderId.optional() }).strict(),
  readers: z
    .object({
      referenceReaderId: ReaderId,
      unit: z.enum(['slices', 'patches']).optional(),
      resamples: z.number().int().min(0).max(10_000).optional(),
      seed: z.number().int().min(0).optional(),
    })
    .strict(),
};
