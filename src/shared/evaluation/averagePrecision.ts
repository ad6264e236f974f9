// Average precision as pycocotools' COCOeval.accumulate computes it at one IoU threshold, one category
// and area "all" (plus the non-interpolated step AP):
// - the kept predictions of all images pooled, by descending score, ties by image then listed order;
// - recall = TP / numGt; precision = TP / (TP + FP + ε), ε = np.spacing(1);
// - precision made non-increasing from the end; at each recall threshold r_k = k × 0.01 (float64, as
//   np.linspace(0, 1, 101) gives: r_57 = 0.5700000000000001), the precision at the first position whose
//   recall is ≥ r_k, or 0 where none reaches it; AP = np.mean of the 101 values.
// No ground truth: −1 (undefined). Ground truth but no prediction: 0.
import { numpyMean } from './numpy';
import type { AveragePrecision } from './types';

/** np.spacing(1): the machine epsilon pycocotools adds to the precision's denominator. */
export const EPS = 2.220446049250313e-16;

/** COCO's 101 recall thresholds, k × 0.01 in float64. */
export const RECALL_THRESHOLDS: Float64Array = Float64Array.from({ length: 101 }, (_, k) => k * 0.01);

const UNDEFINED: AveragePrecision = { ap101: -1, apStep: -1, maxRecall: -1 };

/**
 * AP from cumulative counts along the ranking: after position i, cumTp[i] true and cumFp[i] false
 * positives (i < n). Positions may be single predictions or groups entering together (a tie block,
 * a score bin).
 */
export function averagePrecisionFromCumulative(
  cumTp: ArrayLike<number>,
  cumFp: ArrayLike<number>,
  n: number,
  numGt: number,
): AveragePrecision {
  if (!(numGt > 0)) return { ...UNDEFINED };
  if (n === 0) return { ap101: 0, apStep: 0, maxRecall: 0 };
  // First position whose recall reaches each threshold (n where none does: precision 0 there).
  const K = RECALL_THRESHOLDS.length;
  const at = new Int32Array(K);
  let apStep = 0;
  let prevTp = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const tp = cumTp[i]!;
    const recall = tp / numGt;
    while (k < K && recall >= RECALL_THRESHOLDS[k]!) at[k++] = i;
    if (tp !== prevTp) {
      apStep += ((tp - prevTp) / numGt) * (tp / (tp + cumFp[i]!));
      prevTp = tp;
    }
  }
  for (; k < K; k++) at[k] = n;
  // COCO's envelope (precision made non-increasing from the end) is the running maximum from the end.
  const q = new Float64Array(K);
  let best = 0;
  let j = K - 1;
  while (j >= 0 && at[j] === n) j--;
  for (let i = n - 1; i >= 0 && j >= 0; i--) {
    const tp = cumTp[i]!;
    const pr = tp / (cumFp[i]! + tp + EPS);
    if (pr > best) best = pr;
    for (; j >= 0 && at[j] === i; j--) q[j] = best;
  }
  return { ap101: numpyMean(q), apStep, maxRecall: cumTp[n - 1]! / numGt };
}

/** AP of a ranked list of outcomes (truthy = true positive), highest score first. */
export function averagePrecisionRanked(isTp: ArrayLike<number | boolean>, numGt: number): AveragePrecision {
  const n = isTp.length;
  const cumTp = new Float64Array(n);
  const cumFp = new Float64Array(n);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; i++) {
    if (isTp[i]) tp++;
    else fp++;
    cumTp[i] = tp;
    cumFp[i] = fp;
  }
  return averagePrecisionFromCumulative(cumTp, cumFp, n, numGt);
}
