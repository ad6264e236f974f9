// An input matched once, for interactive use: moving a confidence slider only re-reads counts.
// Matching does not depend on the score threshold (higher scores are matched first), so each query is
// a lookup: the operating point in O(log n) from prefix sums over the score ranking, per-image counts
// in one pass, and the raw matches for drawing TP / FP / missed boxes at any threshold.
import { bootstrapMatched, type BootstrapOptions } from './bootstrap';
import { evaluateMatched } from './evaluate';
import { crossValidateMatched } from './folds';
import { matchInput, type MatchedInput } from './matched';
import { operatingPointFromCounts } from './operatingPoint';
import { countAtLeast } from './scoreOrder';
import { checkSettings } from './settings';
import {
  DEFAULT_EVAL_SETTINGS,
  type BootstrapResult,
  type CrossValidation,
  type EvalInput,
  type EvalSettings,
  type Evaluation,
  type OperatingPoint,
} from './types';

/** Per image (index into `input.images`) at one score threshold. */
export interface PerImageCounts {
  tp: Int32Array;
  fp: Int32Array;
  /** Ground-truth boxes of the image not matched by a prediction with score ≥ the threshold. */
  fn: Int32Array;
}

export interface PreparedEvaluation {
  readonly input: EvalInput;
  readonly iouThreshold: number;
  /**
   * Per prediction: the ground-truth box (index into `input.groundTruth`) it matches, or −1 (no cap).
   * At threshold t a prediction with score ≥ t is a TP if it matches, else a FP. Do not modify.
   */
  readonly predictionMatch: Int32Array;
  /**
   * Per ground-truth box: the prediction that matches it, or −1. At threshold t the box is missed when
   * it is −1 or that prediction's score is < t. Do not modify.
   */
  readonly gtMatchedBy: Int32Array;
  /** Pooled over labels, no cap; O(log n). */
  operatingPoint(scoreThreshold: number): OperatingPoint;
  perImage(scoreThreshold: number): PerImageCounts;
  /**
   * The full evaluation (computed once per settings and then returned again: do not modify it). Its
   * IoU threshold may differ from the prepared one (then the input is matched again).
   */
  evaluation(settings?: EvalSettings): Evaluation;
  bootstrap(settings: EvalSettings, options: BootstrapOptions): BootstrapResult;
  crossValidate(settings: EvalSettings, foldOf: ReadonlyMap<string, number>): CrossValidation;
}

/** Matches `input` at `iouThreshold` once. Throws on a malformed input. */
export function prepareEvaluation(input: EvalInput, iouThreshold: number): PreparedEvaluation {
  const m = matchInput(input, iouThreshold);
  const { predictionMatch, gtMatchedBy } = m.matching;
  const { score, tp: isTp } = m.ranked;
  const numImages = input.images.length;
  const numGt = gtMatchedBy.length;

  // TP among the first k + 1 ranked predictions; a threshold keeps a prefix of the ranking.
  const cumTp = new Int32Array(score.length);
  let tp = 0;
  for (let k = 0; k < score.length; k++) {
    tp += isTp[k]!;
    cumTp[k] = tp;
  }
  const gtPerImage = new Int32Array(numImages);
  for (let i = 0; i < numImages; i++) gtPerImage[i] = m.gtOffsets[i + 1]! - m.gtOffsets[i]!;

  const cache = new Map<string, Evaluation>();
  const matchedFor = (settings: EvalSettings): MatchedInput =>
    settings.iouThreshold === iouThreshold ? m : matchInput(input, settings.iouThreshold);
  const evaluation = (settings: EvalSettings = DEFAULT_EVAL_SETTINGS): Evaluation => {
    const checked = checkSettings(settings);
    const key = JSON.stringify(checked);
    let result = cache.get(key);
    if (!result) {
      result = evaluateMatched(matchedFor(checked), checked);
      cache.set(key, result);
    }
    return result;
  };

  return {
    input,
    iouThreshold,
    predictionMatch,
    gtMatchedBy,
    operatingPoint(scoreThreshold) {
      const k = countAtLeast(score, scoreThreshold);
      const tp = k > 0 ? cumTp[k - 1]! : 0;
      const fp = k - tp;
      return operatingPointFromCounts(scoreThreshold, tp, fp, numGt, numImages);
    },
    perImage(scoreThreshold) {
      const tp = new Int32Array(numImages);
      const fp = new Int32Array(numImages);
      const { image, scores } = input.predictions;
      for (let p = 0; p < scores.length; p++) {
        if (!(scores[p]! >= scoreThreshold)) continue;
        if (predictionMatch[p]! >= 0) tp[image[p]!]!++;
        else fp[image[p]!]!++;
      }
      const fn = new Int32Array(numImages);
      for (let i = 0; i < numImages; i++) fn[i] = gtPerImage[i]! - tp[i]!;
      return { tp, fp, fn };
    },
    evaluation,
    bootstrap(settings, options) {
      const checked = checkSettings(settings);
      return bootstrapMatched(matchedFor(checked), checked, options, evaluation(checked));
    },
    crossValidate(settings, foldOf) {
      const checked = checkSettings(settings);
      return crossValidateMatched(matchedFor(checked), checked, foldOf);
    },
  };
}
