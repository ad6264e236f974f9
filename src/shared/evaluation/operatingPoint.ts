// The operating point: predictions with score ≥ the threshold (inclusive) take part; no per-image cap.
import { CAPPED } from './match';
import type { OperatingPoint } from './types';

export function operatingPointFromCounts(
  scoreThreshold: number,
  tp: number,
  fp: number,
  numGt: number,
  numImages: number,
): OperatingPoint {
  return {
    scoreThreshold,
    tp,
    fp,
    fn: numGt - tp,
    sensitivity: numGt > 0 ? tp / numGt : null,
    fppi: numImages > 0 ? fp / numImages : 0,
    precision: tp + fp > 0 ? tp / (tp + fp) : null,
  };
}

/**
 * The operating point of matched predictions (`predictionMatch` from match.ts: a GT index, −1 or
 * CAPPED, which does not take part) over `numImages` images holding `numGt` ground-truth boxes.
 */
export function operatingPoint(
  scores: Float64Array,
  predictionMatch: Int32Array,
  numGt: number,
  numImages: number,
  scoreThreshold: number,
): OperatingPoint {
  let tp = 0;
  let fp = 0;
  for (let p = 0; p < scores.length; p++) {
    if (!(scores[p]! >= scoreThreshold)) continue;
    const m = predictionMatch[p]!;
    if (m >= 0) tp++;
    else if (m !== CAPPED) fp++;
  }
  return operatingPointFromCounts(scoreThreshold, tp, fp, numGt, numImages);
}
