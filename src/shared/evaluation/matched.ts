// An input with its matching and score ranking: the work every metric shares, done once. Matching does
// not depend on the score threshold, and a per-image cap only drops the lowest-ranked predictions of
// an image (applyCap), so one uncapped matching serves the operating points, AP, FROC, the folds and
// the bootstrap (whose resamples take whole images).
//
// The predictions are also laid out in ranking order (`ranked`): every metric walks the ranking, and
// reading the prediction columns through the order would jump around memory at each step.
import { checkEvalInput, type RowOffsets } from './input';
import { matchInRankingOrder, type Matching } from './match';
import { scoreOrder } from './scoreOrder';
import type { EvalInput } from './types';

/** Per position in the ranking (score descending, ties by prediction index). */
export interface Ranked {
  prediction: Int32Array;
  score: Float64Array;
  image: Int32Array;
  label: Int32Array;
  /** Rank in its image and label (for the per-image cap). */
  rank: Int32Array;
  /** 1 when matched (no cap), else 0. */
  tp: Uint8Array;
}

export interface MatchedInput {
  input: EvalInput;
  iouThreshold: number;
  gtOffsets: RowOffsets;
  /** Without cap. */
  matching: Matching;
  ranked: Ranked;
}

export function matchInput(input: EvalInput, iouThreshold: number): MatchedInput {
  const offsets = checkEvalInput(input);
  const { scores, image, label } = input.predictions;
  const { order, spare } = scoreOrder(scores);
  const n = order.length;
  const ranked: Ranked = {
    prediction: order,
    score: new Float64Array(n),
    image: spare[0],
    label: spare[1],
    rank: new Int32Array(n),
    tp: new Uint8Array(n),
  };
  // Scattered writes from sequential reads (through the inverse permutation) are several times faster
  // than the gather through `order`.
  const position = new Int32Array(n);
  for (let k = 0; k < n; k++) position[order[k]!] = k;
  for (let p = 0; p < n; p++) {
    const k = position[p]!;
    ranked.score[k] = scores[p]! + 0;
    ranked.image[k] = image[p]!;
    ranked.label[k] = label[p]!;
  }
  const matching = matchInRankingOrder(input, offsets.groundTruth, order, iouThreshold, ranked);
  return {
    input,
    iouThreshold,
    gtOffsets: offsets.groundTruth,
    matching,
    ranked,
  };
}
