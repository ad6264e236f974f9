// A reader's operating point against a reference reader, with the model evaluator (../evaluation):
// the reader's boxes are "detections" of score 1, the reference reader's boxes the ground truth, and
// every slice (or patch) of the cases the reader finished is an evaluated image. A reader has no
// scores, so only the operating point means something (no AP, no FROC), with patient-bootstrap
// intervals. Zod-free (types only from schemas.ts).
import { bootstrap } from '../evaluation/bootstrap';
import { evaluate } from '../evaluation/evaluate';
import { evalInput } from '../evaluation/input';
import {
  DEFAULT_EVAL_SETTINGS,
  type EvalGroundTruth,
  type EvalImage,
  type EvalInput,
  type EvalSettings,
  type Interval,
} from '../evaluation/types';
import type { ReaderPoint } from './schemas';

/** The paper's matching (IoU ≥ 0.1) and a threshold every reader box (score 1) passes. */
export const READER_EVAL_SETTINGS: EvalSettings = DEFAULT_EVAL_SETTINGS;

/**
 * The evaluation input of a reader against the reference: `images` every evaluated slice, `reference`
 * and `reader` the two readers' boxes on them (`image` indexes `images`). Labels: the workspace's
 * list, in its order; a box of a label not listed is added after them.
 */
export function readerEvalInput(
  images: readonly EvalImage[],
  labels: readonly string[],
  reference: readonly EvalGroundTruth[],
  reader: readonly EvalGroundTruth[],
): EvalInput {
  const all = [...labels];
  for (const b of [...reference, ...reader]) if (!all.includes(b.label)) all.push(b.label);
  return evalInput(
    images,
    all,
    reference,
    reader.map((b) => ({ ...b, score: 1 })),
  );
}

export interface ReaderPointOptions {
  /** Patient-bootstrap resamples; 0: no intervals. */
  resamples: number;
  seed: number;
  /** Number of cases (series) the input covers. */
  cases: number;
  /** Reading-time summary of those cases (seconds). */
  seconds: { median: number | null; mean: number | null };
}

/** The reader's operating point on `input` (see readerEvalInput), with 95 % intervals over patients. */
export function readerPoint(input: EvalInput, options: ReaderPointOptions): ReaderPoint {
  const op = evaluate(input, READER_EVAL_SETTINGS).overall.operatingPoint;
  let sensitivityCi: Interval | null = null;
  let fppiCi: Interval | null = null;
  if (options.resamples > 0 && input.images.length > 0) {
    const boot = bootstrap(input, READER_EVAL_SETTINGS, {
      resamples: options.resamples,
      seed: options.seed,
    });
    sensitivityCi = boot.sensitivity;
    // The bootstrap marks an undefined FPPI interval with NaN; the contract says null.
    fppiCi = Number.isNaN(boot.fppi.low) || Number.isNaN(boot.fppi.high) ? null : boot.fppi;
  }
  return {
    cases: options.cases,
    images: input.images.length,
    tp: op.tp,
    fp: op.fp,
    fn: op.fn,
    sensitivity: op.sensitivity,
    fppi: op.fppi,
    precision: op.precision,
    sensitivityCi,
    fppiCi,
    medianSeconds: options.seconds.median,
    meanSeconds: options.seconds.mean,
  };
}
