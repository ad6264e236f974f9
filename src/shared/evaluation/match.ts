// Greedy one-to-one matching of predictions to ground truth, per image and label, as pycocotools'
// COCOeval.evaluateImg (and nnDetection's matching_batch, its port):
// - predictions are visited from the highest score down; equal scores keep their listed order;
// - each takes the not-yet-matched ground-truth box of its label with the highest IoU, if that IoU is
//   ≥ the threshold (inclusive; COCO caps the threshold at 1 − 1e−10); among equal IoUs the box listed
//   last wins (the candidate is replaced on equality);
// - a matched box is never reassigned, so a second prediction on it is a false positive.
// The score threshold does not change matches: higher scores are matched first.
// Images are independent, so all are matched in one walk down the global score ranking (restricted to
// one image it is that image's order): no per-image sort.
import { checkEvalInput, type RowOffsets } from './input';
import { iouAt } from './iou';
import { scoreOrder } from './scoreOrder';
import type { EvalInput } from './types';

/** `predictionMatch` value of an unmatched prediction (a false positive). */
export const UNMATCHED = -1;
/** `predictionMatch` value of a prediction dropped by the per-image cap: neither TP nor FP. */
export const CAPPED = -2;

export interface Matching {
  /** Per prediction: index of the matched ground-truth box, UNMATCHED, or CAPPED. */
  predictionMatch: Int32Array;
  /** Per ground-truth box: index of the prediction that matched it, or −1. */
  gtMatchedBy: Int32Array;
  /** Per prediction: its rank in its image and label (0 = highest score; ties in listed order). */
  rank: Int32Array;
}

/**
 * Matches every prediction at `iouThreshold`. With `maxDetections`, each image keeps only its
 * `maxDetections` best predictions of each label (ranked by score, then listed order; COCO applies
 * maxDets per image and category) and the others are CAPPED. Throws on a malformed input.
 */
export function matchPredictions(
  input: EvalInput,
  iouThreshold: number,
  maxDetections: number | null = null,
): Matching {
  const offsets = checkEvalInput(input);
  const { order } = scoreOrder(input.predictions.scores);
  const matching = matchInRankingOrder(input, offsets.groundTruth, order, iouThreshold);
  return maxDetections === null ? matching : applyCap(matching, maxDetections);
}

/**
 * The matching under a per-image cap, derived from the uncapped one: the kept predictions of an image
 * and label are its first `maxDetections` in matching order, so their matches are the same with or
 * without the others; only the dropped ones (and the boxes they took) are undone.
 */
export function applyCap(matching: Matching, maxDetections: number): Matching {
  const predictionMatch = matching.predictionMatch.slice();
  const gtMatchedBy = matching.gtMatchedBy.slice();
  const { rank } = matching;
  for (let p = 0; p < rank.length; p++) {
    if (rank[p]! < maxDetections) continue;
    const g = predictionMatch[p]!;
    if (g >= 0) gtMatchedBy[g] = -1;
    predictionMatch[p] = CAPPED;
  }
  return { predictionMatch, gtMatchedBy, rank };
}

/** Per ranking position: the prediction's image and label (read), its rank and TP flag (written). */
export interface RankedColumns {
  image: Int32Array;
  label: Int32Array;
  rank: Int32Array;
  tp: Uint8Array;
}

/**
 * Matching of a checked input (ground-truth row offsets from checkEvalInput) along `order`, its
 * predictions by descending score with ties in index order (scoreOrder.ts). With `ranked`, image and
 * label are read per ranking position (sequentially) and rank and TP flag are also written there.
 */
export function matchInRankingOrder(
  input: EvalInput,
  gtOffsets: RowOffsets,
  order: Int32Array,
  iouThreshold: number,
  ranked?: RankedColumns,
): Matching {
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw new RangeError(`matching: IoU threshold must be in [0, 1], got ${iouThreshold}`);
  }
  const minIou = Math.min(iouThreshold, 1 - 1e-10);
  const { image: predImage, label: predLabel, boxes: predBoxes } = input.predictions;
  const { label: gtLabel, boxes: gtBoxes } = input.groundTruth;
  const numPred = order.length;
  const numLabels = input.labels.length;
  const predictionMatch = new Int32Array(numPred).fill(UNMATCHED);
  const gtMatchedBy = new Int32Array(gtLabel.length).fill(-1);
  const rank = new Int32Array(numPred);
  // Predictions seen so far per (image, label).
  const seen = new Int32Array(input.images.length * numLabels);

  for (let k = 0; k < numPred; k++) {
    const p = order[k]!;
    const img = ranked ? ranked.image[k]! : predImage[p]!;
    const label = ranked ? ranked.label[k]! : predLabel[p]!;
    const r = seen[img * numLabels + label]!++;
    rank[p] = r;
    let best = -1;
    let bestIou = minIou;
    for (let g = gtOffsets[img]!, g1 = gtOffsets[img + 1]!; g < g1; g++) {
      if (gtLabel[g] !== label || gtMatchedBy[g] !== -1) continue;
      const v = iouAt(predBoxes, p, gtBoxes, g);
      if (v < bestIou) continue;
      bestIou = v;
      best = g;
    }
    if (best >= 0) {
      predictionMatch[p] = best;
      gtMatchedBy[best] = p;
    }
    if (ranked) {
      ranked.rank[k] = r;
      ranked.tp[k] = best >= 0 ? 1 : 0;
    }
  }
  return { predictionMatch, gtMatchedBy, rank };
}
