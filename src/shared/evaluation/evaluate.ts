// The full evaluation of one model: per label and overall operating point, AP and FROC (see
// operatingPoint.ts, averagePrecision.ts, froc.ts for the conventions).
import { averagePrecisionFromCumulative } from './averagePrecision';
import { frocCurve, frocSensitivities, lazyFroc, type FrocGroups } from './froc';
import { matchInput, type MatchedInput } from './matched';
import { operatingPointFromCounts } from './operatingPoint';
import { checkSettings } from './settings';
import {
  DEFAULT_EVAL_SETTINGS,
  type EvalInput,
  type EvalSettings,
  type Evaluation,
  type Froc,
  type LabelEvaluation,
  type OperatingPoint,
} from './types';

export function evaluate(input: EvalInput, settings: EvalSettings = DEFAULT_EVAL_SETTINGS): Evaluation {
  const checked = checkSettings(settings);
  return evaluateMatched(matchInput(input, checked.iouThreshold), checked);
}

/** Working arrays sized to the input's predictions, kept per matched input (folds reuse them). */
interface Scratch {
  byLabel: Int32Array;
  pooled: Int32Array;
  cumTp: Int32Array;
  cumFp: Int32Array;
}
const scratchOf = new WeakMap<MatchedInput, Scratch>();

function scratchFor(m: MatchedInput): Scratch {
  let s = scratchOf.get(m);
  if (!s) {
    const n = m.input.predictions.scores.length;
    const pooled = new Int32Array(n);
    s = {
      // One label: its bucket is the pooled list.
      byLabel: m.input.labels.length > 1 ? new Int32Array(n) : pooled,
      pooled,
      cumTp: new Int32Array(n),
      cumFp: new Int32Array(n),
    };
    scratchOf.set(m, s);
  }
  return s;
}

/**
 * The evaluation of a matched input, over all images or those with `imageMask[i]` set (a fold: the
 * matching is per image, so a subset's matching is the whole input's restricted to it). The mask must
 * not change afterwards (FROC curves are built from it on first access).
 */
export function evaluateMatched(
  m: MatchedInput,
  settings: EvalSettings,
  imageMask: Uint8Array | null = null,
): Evaluation {
  const { input } = m;
  if (settings.iouThreshold !== m.iouThreshold) {
    throw new RangeError(`evaluation: matched at IoU ${m.iouThreshold}, asked for ${settings.iouThreshold}`);
  }
  const numLabels = input.labels.length;
  const inSet = (image: number): boolean => imageMask === null || imageMask[image] === 1;

  let numImages = 0;
  const patients = new Set<string>();
  input.images.forEach((img, i) => {
    if (!inSet(i)) return;
    numImages++;
    patients.add(img.patientId);
  });
  const numGt = new Int32Array(numLabels);
  const gtImage = input.groundTruth.image;
  for (let g = 0; g < gtImage.length; g++) if (inSet(gtImage[g]!)) numGt[input.groundTruth.label[g]!]!++;

  const scratch = scratchFor(m);
  const { start, numPred } = bucketByLabel(m, imageMask, scratch.byLabel, scratch.pooled);
  const { score, tp: isTp, rank } = m.ranked;
  const cap = settings.maxDetectionsAp;

  const perLabel: LabelEvaluation[] = [];
  let tpAll = 0;
  let fpAll = 0;
  let apSum = 0;
  let apCount = 0;
  for (let l = 0; l < numLabels; l++) {
    if (numGt[l] === 0 && numPred[l] === 0) continue;
    const ranked = scratch.byLabel.subarray(start[l], start[l + 1]);
    const op = countAtThreshold(ranked, score, isTp, settings.scoreThreshold);
    tpAll += op.tp;
    fpAll += op.fp;
    let n = 0;
    let tp = 0;
    let fp = 0;
    for (let j = 0; j < ranked.length; j++) {
      const k = ranked[j]!;
      if (cap !== null && rank[k]! >= cap) continue;
      if (isTp[k]) tp++;
      else fp++;
      scratch.cumTp[n] = tp;
      scratch.cumFp[n] = fp;
      n++;
    }
    const ap = averagePrecisionFromCumulative(scratch.cumTp, scratch.cumFp, n, numGt[l]!);
    if (ap.ap101 >= 0) {
      apSum += ap.ap101;
      apCount++;
    }
    perLabel.push({
      label: input.labels[l]!,
      numGt: numGt[l]!,
      numPredictions: numPred[l]!,
      operatingPoint: operatingPointFromCounts(settings.scoreThreshold, op.tp, op.fp, numGt[l]!, numImages),
      ap,
      froc: frocOf(m, imageMask, l, ranked, numGt[l]!, numImages, settings.frocRates, scratch),
    });
  }
  const numGtAll = numGt.reduce((a, b) => a + b, 0);
  // One label with boxes: the pooled numbers are that label's (same predictions, same ground truth).
  const only = perLabel.length === 1 ? perLabel[0] : undefined;
  const overallOp: OperatingPoint =
    only?.operatingPoint ??
    operatingPointFromCounts(settings.scoreThreshold, tpAll, fpAll, numGtAll, numImages);
  const pooled = scratch.pooled.subarray(0, start[numLabels]);
  const overallFroc =
    only?.froc ?? frocOf(m, imageMask, null, pooled, numGtAll, numImages, settings.frocRates, scratch);
  perLabel.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return {
    settings: { ...settings, frocRates: [...settings.frocRates] },
    numImages,
    numPatients: patients.size,
    perLabel,
    overall: { operatingPoint: overallOp, mAP: apCount > 0 ? apSum / apCount : -1, froc: overallFroc },
  };
}

/**
 * The ranking positions (see matched.ts) of the predictions on the masked images, ascending, into
 * `byLabel` bucketed by label (label l at [start[l], start[l + 1])) and into `pooled` (all labels).
 */
function bucketByLabel(
  m: MatchedInput,
  imageMask: Uint8Array | null,
  byLabel: Int32Array,
  pooled: Int32Array,
): { start: Int32Array; numPred: Int32Array } {
  const { image, label } = m.ranked;
  const numLabels = m.input.labels.length;
  const numPred = new Int32Array(numLabels);
  let total = 0;
  for (let k = 0; k < image.length; k++) {
    if (imageMask !== null && imageMask[image[k]!] !== 1) continue;
    pooled[total++] = k;
    numPred[label[k]!]!++;
  }
  const start = new Int32Array(numLabels + 1);
  for (let l = 0; l < numLabels; l++) start[l + 1] = start[l]! + numPred[l]!;
  if (byLabel !== pooled) {
    const fill = start.slice(0, numLabels);
    for (let j = 0; j < total; j++) {
      const k = pooled[j]!;
      byLabel[fill[label[k]!]!++] = k;
    }
  }
  return { start, numPred };
}

/** TP and FP among ranking positions (ascending: highest score first) with score ≥ t; no cap. */
function countAtThreshold(
  ranked: Int32Array,
  score: Float64Array,
  isTp: Uint8Array,
  t: number,
): { tp: number; fp: number } {
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < ranked.length; j++) {
    const k = ranked[j]!;
    if (!(score[k]! >= t)) break;
    if (isTp[k]) tp++;
    else fp++;
  }
  return { tp, fp };
}

/**
 * Cumulative counts per distinct score along ranking positions (no cap), into `out` (and each group's
 * score into `out.scores` when given).
 */
function groupsOf(
  ranked: Int32Array,
  score: Float64Array,
  isTp: Uint8Array,
  out: { cumTp: Int32Array; cumFp: Int32Array; scores?: Float64Array },
): Omit<FrocGroups, 'scores'> {
  let n = 0;
  let tp = 0;
  let fp = 0;
  const { cumTp, cumFp, scores } = out;
  for (let j = 0; j < ranked.length; j++) {
    const k = ranked[j]!;
    if (isTp[k]) tp++;
    else fp++;
    const next = ranked[j + 1];
    if (next !== undefined && score[next] === score[k]) continue;
    cumTp[n] = tp;
    cumFp[n] = fp;
    if (scores) scores[n] = score[k]!;
    n++;
  }
  return { cumTp, cumFp, n };
}

/** FROC of one label (or all, label null) on the masked images; the curve is built when first read. */
function frocOf(
  m: MatchedInput,
  imageMask: Uint8Array | null,
  label: number | null,
  ranked: Int32Array,
  numGt: number,
  numImages: number,
  rates: readonly number[],
  scratch: Scratch,
): Froc {
  const { score, tp } = m.ranked;
  const groups = groupsOf(ranked, score, tp, scratch);
  return lazyFroc(groups, numGt, numImages, rates, () => {
    const n = score.length;
    const pooled = new Int32Array(n);
    const byLabel = m.input.labels.length > 1 ? new Int32Array(n) : pooled;
    const { start } = bucketByLabel(m, imageMask, byLabel, pooled);
    const mine =
      label === null ? pooled.subarray(0, start.at(-1)) : byLabel.subarray(start[label], start[label + 1]);
    const size = mine.length;
    const out = { cumTp: new Int32Array(size), cumFp: new Int32Array(size), scores: new Float64Array(size) };
    return frocCurve({ ...groupsOf(mine, score, tp, out), scores: out.scores }, numGt, numImages);
  });
}

/** The pooled FROC sensitivities of the whole input at `rates` (the bootstrap's band offsets). */
export function pooledFrocSensitivities(m: MatchedInput, rates: readonly number[]): Float64Array {
  const scratch = scratchFor(m);
  const { start } = bucketByLabel(m, null, scratch.byLabel, scratch.pooled);
  const pooled = scratch.pooled.subarray(0, start.at(-1));
  const groups = groupsOf(pooled, m.ranked.score, m.ranked.tp, scratch);
  return frocSensitivities(groups, m.input.groundTruth.image.length, m.input.images.length, rates);
}
