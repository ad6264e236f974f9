import { describe, expect, it } from 'vitest';
import {
  assignFolds,
  crossValidate,
  DEFAULT_EVAL_SETTINGS,
  evaluate,
  meanSd,
  prepareEvaluation,
  subsetByPatients,
} from '../../src/shared/evaluation';
import { synthetic } from './synthetic';

describe('assignFolds', () => {
  const ids = Array.from({ length: 23 }, (_, i) => `P${String(i).padStart(3, '0')}`);

  it('is balanced (sizes differ by at most one) and covers every patient once', () => {
    for (const k of [2, 3, 5, 10]) {
      const folds = assignFolds(ids, k, 1);
      expect([...folds.keys()].sort()).toEqual(ids);
      const sizes = Array.from({ length: k }, (_, f) => [...folds.values()].filter((v) => v === f).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic for a seed, ignores the listed order and duplicates, and depends on the seed', () => {
    const a = assignFolds(ids, 5, 42);
    const b = assignFolds([...ids].reverse().concat(ids.slice(0, 3)), 5, 42);
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
    expect(Object.fromEntries(assignFolds(ids, 5, 43))).not.toEqual(Object.fromEntries(a));
  });

  it('refuses a bad k or seed', () => {
    expect(() => assignFolds(ids, 1, 0)).toThrow(/k must be/);
    expect(() => assignFolds(ids, 2.5, 0)).toThrow(/k must be/);
    expect(() => assignFolds(ids, 5, -1)).toThrow(/seed/);
  });
});

describe('crossValidate', () => {
  const input = synthetic({ seed: 50, patients: 20 });
  const patients = [...new Set(input.images.map((i) => i.patientId))];
  const foldOf = assignFolds(patients, 5, 7);

  it('evaluates each fold as its own patients alone, and gives mean ± sample SD', () => {
    const cv = crossValidate(input, DEFAULT_EVAL_SETTINGS, foldOf);
    expect(cv.folds.map((f) => f.fold)).toEqual([0, 1, 2, 3, 4]);
    for (const f of cv.folds) {
      const mine = patients.filter((p) => foldOf.get(p) === f.fold);
      expect(f.numPatients).toBe(mine.length);
      expect(f.evaluation).toEqual(evaluate(subsetByPatients(input, mine)));
    }
    const sens = cv.folds.map((f) => f.evaluation.overall.operatingPoint.sensitivity);
    expect(cv.sensitivity).toEqual(meanSd(sens));
    expect(cv.ap101.n).toBe(cv.folds.filter((f) => f.evaluation.overall.mAP >= 0).length);
    expect(prepareEvaluation(input, 0.1).crossValidate(DEFAULT_EVAL_SETTINGS, foldOf)).toEqual(cv);
  });

  it('needs a fold for every patient', () => {
    const partial = new Map([...foldOf].slice(1));
    expect(() => crossValidate(input, DEFAULT_EVAL_SETTINGS, partial)).toThrow(/has no fold/);
  });
});

describe('meanSd', () => {
  it('uses the defined values, and the sample SD', () => {
    expect(meanSd([1, 2, 3, null])).toEqual({ mean: 2, sd: 1, n: 3 });
    expect(meanSd([0.5])).toMatchObject({ mean: 0.5, n: 1 });
    expect(meanSd([0.5]).sd).toBeNaN();
    expect(meanSd([null]).mean).toBeNaN();
  });
});
