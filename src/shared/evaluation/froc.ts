// FROC as nnDetection's FROCMetric computes it (scikit-learn roc_curve on the match labels, then
// np.interp), order of operations kept so the numbers are bit-for-bit:
// - one point per distinct score, highest first, after the point (0, 0); a score's predictions enter
//   together (a step adding TPs and FPs is a diagonal segment);
// - FPPI = (cumFP / totalFP) · totalFP / numImages (0 everywhere without any FP);
//   sensitivity = (cumTP / totalTP) · totalTP / numGt;
// - sensitivity at an FPPI rate: np.interp over the curve as roc_curve returns it (drop_intermediate:
//   interior points collinear in the counts are left out), so beyond the last point the overall recall,
//   on a vertical jump the top of it; CPM = np.mean of those.
// Degenerate inputs as nnDetection: no ground truth → all 0 (CPM 0); no prediction → all 0; predictions
// but none matched → roc_curve's 0/0 true-positive rate: every sensitivity and CPM null. In the curve
// itself sensitivity is then 0 (cumTP/numGt), as it is without ground truth.
import { numpyInterp, numpyMean } from './numpy';
import type { Froc, FrocPoint } from './types';

/** Cumulative counts per group of the ranking (a distinct score, or a bin), highest first. */
export interface FrocGroups {
  /** Each group's score (its lowest score: the threshold at which the group has entered). */
  scores: ArrayLike<number>;
  cumTp: ArrayLike<number>;
  cumFp: ArrayLike<number>;
  /** Number of groups used (the arrays may be longer). */
  n: number;
}

/** The FROC of ranked groups over `numImages` images with `numGt` ground-truth boxes. */
export function frocFromGroups(
  groups: FrocGroups,
  numGt: number,
  numImages: number,
  rates: readonly number[],
): Froc {
  const curve = frocCurve(groups, numGt, numImages);
  return lazyFroc(groups, numGt, numImages, rates, () => curve);
}

/**
 * The FROC with its curve built on first access of `curve` (then kept as a plain property): a cohort's
 * curve has one object per distinct score, hundreds of thousands, that most callers never read.
 * `curve()` must return what frocCurve(groups) returns; `groups` is only read during this call.
 */
export function lazyFroc(
  groups: Omit<FrocGroups, 'scores'>,
  numGt: number,
  numImages: number,
  rates: readonly number[],
  curve: () => FrocPoint[],
): Froc {
  const { n, cumTp, cumFp } = groups;
  const sensitivities = frocSensitivities(groups, numGt, numImages, rates);
  const totalTp = n > 0 ? cumTp[n - 1]! : 0;
  const totalFp = n > 0 ? cumFp[n - 1]! : 0;
  const froc = {
    sensitivityAtRates: Array.from(sensitivities, (s) => (Number.isNaN(s) ? null : s)),
    cpm: cpmOf(sensitivities),
    numGt,
    numDetections: totalTp + totalFp,
    numMatched: totalTp,
  } as Froc;
  Object.defineProperty(froc, 'curve', {
    enumerable: true,
    configurable: true,
    get(): FrocPoint[] {
      const value = curve();
      Object.defineProperty(froc, 'curve', { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
  });
  return froc;
}

/** The curve: (0, 0) at a sentinel threshold (highest score + 1, as scikit-learn 1.2), then each group. */
export function frocCurve(groups: FrocGroups, numGt: number, numImages: number): FrocPoint[] {
  const { n, cumTp, cumFp, scores } = groups;
  const totalTp = n > 0 ? cumTp[n - 1]! : 0;
  const totalFp = n > 0 ? cumFp[n - 1]! : 0;
  const curve: FrocPoint[] = new Array<FrocPoint>(n + 1);
  curve[0] = { fppi: 0, sensitivity: 0, score: n > 0 ? scores[0]! + 1 : 1 };
  for (let i = 0; i < n; i++) {
    const fppi = totalFp === 0 ? 0 : ((cumFp[i]! / totalFp) * totalFp) / numImages;
    const sensitivity = totalTp === 0 || numGt === 0 ? 0 : ((cumTp[i]! / totalTp) * totalTp) / numGt;
    curve[i + 1] = { fppi, sensitivity, score: scores[i]! };
  }
  return curve;
}

/** CPM: np.mean of the sensitivities at the rates; null where undefined. */
export function cpmOf(sensitivities: Float64Array): number | null {
  const m = numpyMean(sensitivities);
  return Number.isNaN(m) ? null : m;
}

/**
 * Sensitivity at each FPPI rate (NaN where nnDetection gives NaN), by nnDetection's formulas over the
 * curve with scikit-learn's drop_intermediate, interpolated as np.interp in one pass along the curve
 * (no array of points: a cohort's curve is long).
 */
export function frocSensitivities(
  groups: Omit<FrocGroups, 'scores'>,
  numGt: number,
  numImages: number,
  rates: readonly number[],
): Float64Array {
  const out = new Float64Array(rates.length);
  const { n, cumTp, cumFp } = groups;
  // No ground truth, or no prediction: nnDetection returns zeros.
  if (numGt === 0 || n === 0) return out;
  const totalTp = cumTp[n - 1]!;
  const totalFp = cumFp[n - 1]!;
  if (totalTp === 0) return out.fill(NaN);
  // Rates in ascending order; each is settled at the first curve point beyond it.
  const byRate = rates.map((_, r) => r).sort((a, b) => rates[a]! - rates[b]!);
  let next = 0;
  let x0 = 0;
  let y0 = 0;
  for (let i = 0; i < n && next < byRate.length; i++) {
    // roc_curve(drop_intermediate=True): keep the ends and every point where the counts bend.
    if (i > 0 && i < n - 1) {
      const d2Fp = cumFp[i + 1]! - cumFp[i]! - (cumFp[i]! - cumFp[i - 1]!);
      const d2Tp = cumTp[i + 1]! - cumTp[i]! - (cumTp[i]! - cumTp[i - 1]!);
      if (d2Fp === 0 && d2Tp === 0) continue;
    }
    const x1 = totalFp === 0 ? 0 : ((cumFp[i]! / totalFp) * totalFp) / numImages;
    const y1 = ((cumTp[i]! / totalTp) * totalTp) / numGt;
    for (; next < byRate.length && rates[byRate[next]!]! < x1; next++) {
      out[byRate[next]!] = numpyInterp(rates[byRate[next]!]!, [x0, x1], [y0, y1]);
    }
    x0 = x1;
    y0 = y1;
  }
  // At or beyond the last point (numpy: the last value).
  for (; next < byRate.length; next++) out[byRate[next]!] = y0;
  return out;
}
