// K-fold cross-validation by patient: every patient (with all of their images) in exactly one fold; the
// metrics of each fold, then their mean ± sample SD (the paper's Table 1).
import { evaluateMatched } from './evaluate';
import { matchInput, type MatchedInput } from './matched';
import { checkSeed, mulberry32, randomInt } from './random';
import { checkSettings } from './settings';
import type { CrossValidation, EvalInput, EvalSettings, Evaluation, FoldEvaluation, MeanSd } from './types';

/**
 * Each distinct patient's fold in 0 … k−1: the patients sorted (so the listed order does not matter),
 * shuffled with the seed (Fisher–Yates, mulberry32), then dealt round-robin, so fold sizes differ by at
 * most one. The same ids, k and seed give the same folds.
 */
export function assignFolds(patientIds: readonly string[], k: number, seed: number): Map<string, number> {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`assignFolds: k must be an integer ≥ 2, got ${k}`);
  checkSeed(seed, 'assignFolds');
  const ids = [...new Set(patientIds)].sort();
  const random = mulberry32(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return new Map(ids.map((id, i) => [id, i % k]));
}

export function crossValidate(
  input: EvalInput,
  settings: EvalSettings,
  foldOf: ReadonlyMap<string, number>,
): CrossValidation {
  const checked = checkSettings(settings);
  return crossValidateMatched(matchInput(input, checked.iouThreshold), checked, foldOf);
}

/** Folds are the distinct values of `foldOf`, ascending; every patient of the input needs one. */
export function crossValidateMatched(
  m: MatchedInput,
  settings: EvalSettings,
  foldOf: ReadonlyMap<string, number>,
): CrossValidation {
  const { images } = m.input;
  const imageFold = images.map((img) => {
    const fold = foldOf.get(img.patientId);
    if (fold === undefined) throw new RangeError(`crossValidate: patient "${img.patientId}" has no fold`);
    return fold;
  });
  const foldIds = [...new Set(imageFold)].sort((a, b) => a - b);
  const folds: FoldEvaluation[] = foldIds.map((fold) => {
    const mask = Uint8Array.from(imageFold, (f) => (f === fold ? 1 : 0));
    const evaluation = evaluateMatched(m, settings, mask);
    return { fold, numPatients: evaluation.numPatients, evaluation };
  });
  const across = (metric: (e: Evaluation) => number | null): MeanSd =>
    meanSd(folds.map((f) => metric(f.evaluation)));
  return {
    folds,
    sensitivity: across((e) => e.overall.operatingPoint.sensitivity),
    fppi: across((e) => e.overall.operatingPoint.fppi),
    precision: across((e) => e.overall.operatingPoint.precision),
    ap101: across((e) => (e.overall.mAP >= 0 ? e.overall.mAP : null)),
    cpm: across((e) => e.overall.froc.cpm),
  };
}

/** Mean and sample SD (n − 1) of the defined values; NaN mean with none, NaN SD with fewer than two. */
export function meanSd(values: readonly (number | null)[]): MeanSd {
  const defined = values.filter((v): v is number => v !== null && !Number.isNaN(v));
  const n = defined.length;
  const mean = n > 0 ? defined.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(defined.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, n };
}
