// Patient-level bootstrap: resample patients with replacement (each with all of their images), redo
// the overall metrics, take percentile intervals. Seeded (mulberry32): the same seed gives the same
// intervals.
//
// Speed: matching is per image and images move with their patient, so a resample's metrics are sums
// over patients of per-patient statistics computed once, weighted by how often each patient was drawn.
// - Operating point (sensitivity, FPPI, precision): per-patient TP, FP, GT and image counts. Exact.
// - AP (101-point, per label, then the mean over labels with ground truth) and FROC/CPM need the
//   ranking. Predictions are put into "fine" score bins: the distinct scores when there are at most
//   `bins` of them, else about bins/2 quantiles of the true-positive scores and bins/2 of the
//   false-positive scores (so both recall and FPPI are finely resolved). Per patient, true positives
//   are kept per fine bin (sparse: few per patient); false positives, dense and many, per "coarse" bin
//   (consecutive fine bins holding ~1/256 of all false positives each), spread over the coarse bin's
//   fine bins in the proportions of the whole sample.
// APPROXIMATION (intervals only; point estimates elsewhere are exact): a resample's ranking is known
// to the fine bin (a bin enters like a tie block), and within a coarse bin its false positives are
// assumed distributed as in the whole sample. The first-order error is removed: every resampled AP,
// CPM and FROC band value is shifted by (exact point estimate − the same binned computation with every
// patient drawn once). With at most 256 distinct scores both bin levels are the distinct scores, and
// only AP's tie order within a score remains approximate.
import { averagePrecisionFromCumulative } from './averagePrecision';
import { evaluateMatched, pooledFrocSensitivities } from './evaluate';
import { frocSensitivities } from './froc';
import { matchInput, type MatchedInput } from './matched';
import { numpyMean } from './numpy';
import { checkSeed, mulberry32, randomInt } from './random';
import { checkSettings } from './settings';
import type { BootstrapResult, EvalInput, EvalSettings, Evaluation, Interval } from './types';

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** PRNG seed, an integer in [0, 2³²). */
  seed: number;
  /** Central coverage of the percentile intervals (default 0.95: 2.5th and 97.5th percentiles). */
  level?: number;
  /** Most fine score bins (default 2048); see the approximation note above. */
  bins?: number;
}

/** Points of the FROC band's FPPI grid, log-spaced between the smallest and largest FROC rate. */
export const FROC_BAND_POINTS = 64;
const COARSE_BINS = 256;

export function bootstrap(
  input: EvalInput,
  settings: EvalSettings,
  options: BootstrapOptions,
): BootstrapResult {
  const checked = checkSettings(settings);
  return bootstrapMatched(matchInput(input, checked.iouThreshold), checked, options);
}

/** `pointEstimate`: the exact evaluation of the whole input with these settings, if already computed. */
export function bootstrapMatched(
  m: MatchedInput,
  settings: EvalSettings,
  options: BootstrapOptions,
  pointEstimate: Evaluation = evaluateMatched(m, settings),
): BootstrapResult {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const maxBins = options.bins ?? 2048;
  const seed = checkSeed(options.seed, 'bootstrap');
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`bootstrap: resamples must be a positive integer, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(maxBins) || maxBins < 2) {
    throw new RangeError(`bootstrap: bins must be an integer ≥ 2, got ${maxBins}`);
  }

  const stats = new PatientStatistics(m, settings, maxBins);
  const grid = bandGrid(settings.frocRates);
  const rates = [...settings.frocRates, ...grid];
  const numRates = settings.frocRates.length;
  const out = new ResampleMetrics(rates.length);

  // The binning offset: exact point estimate − binned metrics with every patient drawn once.
  stats.metrics(new Int32Array(stats.numPatients).fill(1), rates, numRates, out);
  const overall = pointEstimate.overall;
  const apShift = overall.mAP >= 0 && !Number.isNaN(out.ap) ? overall.mAP - out.ap : 0;
  const cpmShift = overall.froc.cpm !== null && !Number.isNaN(out.cpm) ? overall.froc.cpm - out.cpm : 0;
  const exactBand = pooledFrocSensitivities(m, grid);
  const bandShift = grid.map((_, i) => {
    const binned = out.sensitivities[numRates + i]!;
    const exact = exactBand[i]!;
    return Number.isNaN(binned) || Number.isNaN(exact) ? 0 : exact - binned;
  });

  const sensitivity = new Float64Array(resamples);
  const fppi = new Float64Array(resamples);
  const precision = new Float64Array(resamples);
  const ap = new Float64Array(resamples);
  const cpm = new Float64Array(resamples);
  const band = grid.map(() => new Float64Array(resamples));
  const random = mulberry32(seed);
  const weights = new Int32Array(stats.numPatients);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let i = 0; i < stats.numPatients; i++) weights[randomInt(random, stats.numPatients)]!++;
    stats.metrics(weights, rates, numRates, out);
    sensitivity[r] = out.sensitivity;
    fppi[r] = out.fppi;
    precision[r] = out.precision;
    ap[r] = clamp01(out.ap + apShift);
    cpm[r] = clamp01(out.cpm + cpmShift);
    grid.forEach((_, i) => {
      band[i]![r] = clamp01(out.sensitivities[numRates + i]! + bandShift[i]!);
    });
  }

  const bandIntervals = band.map((values) => percentileInterval(values, level));
  return {
    resamples,
    seed,
    sensitivity: percentileInterval(sensitivity, level),
    fppi: percentileInterval(fppi, level) ?? { low: NaN, high: NaN },
    precision: percentileInterval(precision, level),
    ap101: percentileInterval(ap, level),
    cpm: percentileInterval(cpm, level),
    frocBand: {
      fppi: grid,
      low: bandIntervals.map((i) => i?.low ?? NaN),
      high: bandIntervals.map((i) => i?.high ?? NaN),
    },
  };
}

/**
 * Percentiles (1 − level)/2 and (1 + level)/2 of the defined (non-NaN) values, numpy's default
 * 'linear' method; null when fewer than `level` of the values are defined.
 */
export function percentileInterval(values: Float64Array, level: number): Interval | null {
  const defined = values.filter((v) => !Number.isNaN(v)).sort();
  if (defined.length === 0 || defined.length < level * values.length) return null;
  const q = (1 - level) / 2;
  return { low: percentileSorted(defined, q), high: percentileSorted(defined, 1 - q) };
}

function percentileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** FROC_BAND_POINTS log-spaced FPPI values from the smallest to the largest rate. */
function bandGrid(rates: readonly number[]): number[] {
  const lo = Math.min(...rates);
  const hi = Math.max(...rates);
  if (lo === hi) return [lo];
  const n = FROC_BAND_POINTS;
  return Array.from({ length: n }, (_, i) =>
    i === 0 ? lo : i === n - 1 ? hi : lo * Math.pow(hi / lo, i / (n - 1)),
  );
}

/** One resample's overall metrics (NaN: undefined). */
class ResampleMetrics {
  sensitivity = NaN;
  fppi = NaN;
  precision = NaN;
  /** Mean of the labels' ap101 over labels with ground truth. */
  ap = NaN;
  cpm = NaN;
  readonly sensitivities: Float64Array;
  constructor(numRates: number) {
    this.sensitivities = new Float64Array(numRates);
  }
}

/** Per-patient sufficient statistics, and the metrics of a weighting of the patients. */
class PatientStatistics {
  readonly numPatients: number;
  private readonly numFine: number;
  private readonly numCoarse: number;
  /** Per patient. */
  private readonly images: Int32Array;
  private readonly opTp: Int32Array;
  private readonly opFp: Int32Array;
  /** [label][patient]. */
  private readonly gt: Int32Array;
  /** Labels taking part (with ground truth or predictions). */
  private readonly activeLabels: number[];
  /** AP-kept true positives per (label, patient): CSR rows of (fine bin, count). */
  private readonly tpStart: Int32Array;
  private readonly tpBin: Int32Array;
  private readonly tpCount: Int32Array;
  /** AP-kept false positives per (label, patient, coarse bin); hasFp per (label, patient). */
  private readonly fpCoarse: Int32Array;
  private readonly hasFp: Uint8Array;
  /** Predictions dropped by the AP cap (FROC still counts them), per patient: CSR of (fine bin, TP?, count). */
  private readonly capStart: Int32Array;
  private readonly capBin: Int32Array;
  private readonly capIsTp: Uint8Array;
  private readonly capCount: Int32Array;
  /** Fine bin → coarse bin; per label the share of its coarse bin's false positives in a fine bin. */
  private readonly coarseOf: Int32Array;
  private readonly fineShare: Float64Array;
  // Scratch.
  private readonly accTp: Float64Array;
  private readonly accFpCoarse: Float64Array;
  private readonly poolTp: Float64Array;
  private readonly poolFp: Float64Array;
  private readonly cumTp: Float64Array;
  private readonly cumFp: Float64Array;

  constructor(m: MatchedInput, settings: EvalSettings, maxBins: number) {
    const { input, ranked } = m;
    const L = input.labels.length;
    const patientIndex = new Map<string, number>();
    const imagePatient = Int32Array.from(input.images, (img) => {
      let p = patientIndex.get(img.patientId);
      if (p === undefined) {
        p = patientIndex.size;
        patientIndex.set(img.patientId, p);
      }
      return p;
    });
    const P = patientIndex.size;
    this.numPatients = P;
    this.images = new Int32Array(P);
    for (const p of imagePatient) this.images[p]!++;
    this.gt = new Int32Array(L * P);
    const gtImage = input.groundTruth.image;
    for (let g = 0; g < gtImage.length; g++) {
      this.gt[input.groundTruth.label[g]! * P + imagePatient[gtImage[g]!]!]!++;
    }

    // Walks go down the ranking (position k), reading the columns laid out in that order.
    const { image, label, score, rank, tp: isTp } = ranked;
    const n = score.length;
    const cap = settings.maxDetectionsAp;
    this.opTp = new Int32Array(P);
    this.opFp = new Int32Array(P);
    const labelHasBoxes = new Uint8Array(L);
    for (let g = 0; g < gtImage.length; g++) labelHasBoxes[input.groundTruth.label[g]!] = 1;
    for (let k = 0; k < n; k++) {
      labelHasBoxes[label[k]!] = 1;
      if (!(score[k]! >= settings.scoreThreshold)) continue;
      const patient = imagePatient[image[k]!]!;
      if (isTp[k]) this.opTp[patient]!++;
      else this.opFp[patient]!++;
    }
    this.activeLabels = [];
    for (let l = 0; l < L; l++) if (labelHasBoxes[l]) this.activeLabels.push(l);

    // Fine bins: the distinct scores, or quantiles of the TP and of the FP scores. Bins are runs of the
    // ranking, so a walk down it gives each prediction's bin.
    let edges: Float64Array | null = null;
    let numDistinct = 0;
    for (let k = 0; k < n; k++) if (k === 0 || score[k] !== score[k - 1]) numDistinct++;
    if (numDistinct <= maxBins) {
      this.numFine = numDistinct;
    } else {
      let numTp = 0;
      for (let k = 0; k < n; k++) numTp += isTp[k]!;
      const tpCuts = quantileCuts(numTp, Math.floor(maxBins / 2));
      const fpCuts = quantileCuts(n - numTp, maxBins - Math.floor(maxBins / 2));
      const cutScores: number[] = [];
      let kt = 0;
      let kf = 0;
      let nextTp = 0;
      let nextFp = 0;
      for (let k = 0; k < n; k++) {
        if (isTp[k]) {
          if (kt++ === tpCuts[nextTp]) {
            cutScores.push(score[k]!);
            nextTp++;
          }
        } else if (kf++ === fpCuts[nextFp]) {
          cutScores.push(score[k]!);
          nextFp++;
        }
      }
      edges = Float64Array.from(new Set(cutScores)).sort().reverse();
      this.numFine = edges.length;
    }
    const fineEdges = edges;
    const F = this.numFine;
    /** Visits every ranking position with its fine bin (the distinct score's index, or the edges'). */
    const walk = (visit: (k: number, fine: number) => void): void => {
      let e = 0;
      for (let k = 0; k < n; k++) {
        const s = score[k]!;
        if (fineEdges === null) {
          if (k > 0 && s !== score[k - 1]) e++;
        } else {
          while (fineEdges[e]! > s) e++;
        }
        visit(k, e);
      }
    };
    const capAt = cap ?? Infinity;

    // Coarse bins: runs of fine bins with ~1/COARSE_BINS of the AP-kept false positives each.
    const fpFine = new Float64Array(L * F);
    let totalFp = 0;
    walk((k, fine) => {
      if (isTp[k] || rank[k]! >= capAt) return;
      fpFine[label[k]! * F + fine]!++;
      totalFp++;
    });
    this.coarseOf = new Int32Array(F);
    if (F <= COARSE_BINS) {
      for (let f = 0; f < F; f++) this.coarseOf[f] = f;
      this.numCoarse = F;
    } else {
      const target = totalFp / COARSE_BINS;
      let c = 0;
      let acc = 0;
      for (let f = 0; f < F; f++) {
        this.coarseOf[f] = c;
        for (let l = 0; l < L; l++) acc += fpFine[l * F + f]!;
        if (acc >= target * (c + 1) && c < COARSE_BINS - 1 && f < F - 1) c++;
      }
      this.numCoarse = c + 1;
    }
    const C = this.numCoarse;
    const fpCoarseAll = new Float64Array(L * C);
    for (let l = 0; l < L; l++) {
      for (let f = 0; f < F; f++) fpCoarseAll[l * C + this.coarseOf[f]!]! += fpFine[l * F + f]!;
    }
    this.fineShare = new Float64Array(L * F);
    for (let l = 0; l < L; l++) {
      for (let f = 0; f < F; f++) {
        const inCoarse = fpCoarseAll[l * C + this.coarseOf[f]!]!;
        this.fineShare[l * F + f] = inCoarse > 0 ? fpFine[l * F + f]! / inCoarse : 0;
      }
    }

    // Per-patient statistics.
    this.fpCoarse = new Int32Array(L * P * C);
    this.hasFp = new Uint8Array(L * P);
    const tpKeys: number[] = [];
    const capKeys: number[] = [];
    walk((k, fine) => {
      const patient = imagePatient[image[k]!]!;
      const l = label[k]!;
      const tp = isTp[k] === 1;
      if (rank[k]! >= capAt) capKeys.push((patient * F + fine) * 2 + (tp ? 1 : 0));
      else if (tp) tpKeys.push((l * P + patient) * F + fine);
      else {
        this.fpCoarse[(l * P + patient) * C + this.coarseOf[fine]!]!++;
        this.hasFp[l * P + patient] = 1;
      }
    });
    const tpRows = csr(tpKeys, L * P, (key) => [Math.floor(key / F), key % F]);
    this.tpStart = tpRows.start;
    this.tpBin = tpRows.value;
    this.tpCount = tpRows.count;
    const capRows = csr(capKeys, P, (key) => [Math.floor(key / (2 * F)), key % (2 * F)]);
    this.capStart = capRows.start;
    this.capBin = capRows.value.map((v) => v >> 1);
    this.capIsTp = Uint8Array.from(capRows.value, (v) => v & 1);
    this.capCount = capRows.count;

    this.accTp = new Float64Array(F);
    this.accFpCoarse = new Float64Array(C);
    this.poolTp = new Float64Array(F);
    this.poolFp = new Float64Array(F);
    this.cumTp = new Float64Array(F);
    this.cumFp = new Float64Array(F);
  }

  /** The overall metrics when patient p is drawn `weights[p]` times. */
  metrics(weights: Int32Array, rates: readonly number[], numRates: number, out: ResampleMetrics): void {
    // Fields into locals: the loops below run ~10⁵ times a resample.
    const P = this.numPatients;
    const F = this.numFine;
    const C = this.numCoarse;
    const { accTp, accFpCoarse, poolTp, poolFp, cumTp, cumFp, coarseOf, fineShare } = this;
    const { tpStart, tpBin, tpCount, fpCoarse, hasFp, gt: gtOf } = this;
    let images = 0;
    let opTp = 0;
    let opFp = 0;
    for (let p = 0; p < P; p++) {
      const w = weights[p]!;
      if (w === 0) continue;
      images += w * this.images[p]!;
      opTp += w * this.opTp[p]!;
      opFp += w * this.opFp[p]!;
    }
    // One label and no capped prediction: the pooled FROC ranking is that label's AP ranking.
    const single = this.activeLabels.length === 1 && this.capStart[P] === 0;
    if (!single) {
      poolTp.fill(0);
      poolFp.fill(0);
    }
    let gtAll = 0;
    let apSum = 0;
    let apCount = 0;
    let n = 0;
    for (const l of this.activeLabels) {
      let gt = 0;
      accTp.fill(0);
      accFpCoarse.fill(0);
      for (let p = 0; p < P; p++) {
        const w = weights[p]!;
        if (w === 0) continue;
        const lp = l * P + p;
        gt += w * gtOf[lp]!;
        for (let k = tpStart[lp]!, end = tpStart[lp + 1]!; k < end; k++) accTp[tpBin[k]!]! += w * tpCount[k]!;
        if (hasFp[lp] === 0) continue;
        for (let c = 0, row = lp * C; c < C; c++) accFpCoarse[c]! += w * fpCoarse[row + c]!;
      }
      gtAll += gt;
      // Ranked cumulative counts over the non-empty fine bins.
      n = 0;
      let tp = 0;
      let fp = 0;
      const shareRow = l * F;
      for (let f = 0; f < F; f++) {
        const dTp = accTp[f]!;
        const dFp = fineShare[shareRow + f]! * accFpCoarse[coarseOf[f]!]!;
        if (!single) {
          poolTp[f]! += dTp;
          poolFp[f]! += dFp;
        }
        if (dTp === 0 && dFp === 0) continue;
        tp += dTp;
        fp += dFp;
        cumTp[n] = tp;
        cumFp[n] = fp;
        n++;
      }
      if (gt > 0) {
        apSum += averagePrecisionFromCumulative(cumTp, cumFp, n, gt).ap101;
        apCount++;
      }
    }
    for (let p = 0; p < P; p++) {
      const w = weights[p]!;
      if (w === 0) continue;
      for (let k = this.capStart[p]!; k < this.capStart[p + 1]!; k++) {
        const pool = this.capIsTp[k] ? poolTp : poolFp;
        pool[this.capBin[k]!]! += w * this.capCount[k]!;
      }
    }

    out.sensitivity = gtAll > 0 ? opTp / gtAll : NaN;
    out.fppi = images > 0 ? opFp / images : NaN;
    out.precision = opTp + opFp > 0 ? opTp / (opTp + opFp) : NaN;
    out.ap = apCount > 0 ? apSum / apCount : NaN;

    if (!single) {
      n = 0;
      let tp = 0;
      let fp = 0;
      for (let f = 0; f < F; f++) {
        if (poolTp[f] === 0 && poolFp[f] === 0) continue;
        tp += poolTp[f]!;
        fp += poolFp[f]!;
        cumTp[n] = tp;
        cumFp[n] = fp;
        n++;
      }
    }
    if (gtAll === 0) {
      out.sensitivities.fill(NaN);
      out.cpm = NaN;
      return;
    }
    out.sensitivities.set(frocSensitivities({ cumTp, cumFp, n }, gtAll, images, rates));
    out.cpm = numpyMean(out.sensitivities.subarray(0, numRates));
  }
}

/** Ordinals (0-based, ascending) of the last element of each of `count` equal chunks of n elements. */
function quantileCuts(n: number, count: number): Int32Array {
  const k = Math.min(count, n);
  return Int32Array.from({ length: k }, (_, j) => Math.ceil(((j + 1) * n) / k) - 1);
}

/** Keys (row-major: row, then value) counted into CSR rows of distinct values with their counts. */
function csr(
  keys: number[],
  numRows: number,
  split: (key: number) => [row: number, value: number],
): { start: Int32Array; value: Int32Array; count: Int32Array } {
  const sorted = Float64Array.from(keys).sort();
  const start = new Int32Array(numRows + 1);
  const value: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) {
      count[count.length - 1]!++;
      continue;
    }
    const [row, v] = split(sorted[i]!);
    start[row + 1]!++;
    value.push(v);
    count.push(1);
  }
  for (let r = 0; r < numRows; r++) start[r + 1]! += start[r]!;
  return { start, value: Int32Array.from(value), count: Int32Array.from(count) };
}
