// The slider path: one matching, then operating points, per-image counts and box states at any threshold.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVAL_SETTINGS,
  evaluate,
  matchPredictions,
  operatingPoint,
  prepareEvaluation,
} from '../../src/shared/evaluation';
import { synthetic } from './synthetic';

const THRESHOLDS = [-1, 0, 0.05, 0.1, 0.25, 0.333, 0.5, 0.7, 0.9, 0.99, 1, 2];

describe.each([31, 32, 33])('prepareEvaluation (seed %i)', (seed) => {
  const input = synthetic({ seed, labels: ['dvt', 'pe'], patients: 15, scoreDecimals: 2 });
  const prepared = prepareEvaluation(input, 0.1);
  const numGt = input.groundTruth.image.length;

  it('operatingPoint(t) equals the full evaluation and a direct count at every threshold', () => {
    for (const t of [...THRESHOLDS, ...Array.from(input.predictions.scores.slice(0, 20))]) {
      const want = evaluate(input, { ...DEFAULT_EVAL_SETTINGS, scoreThreshold: t }).overall.operatingPoint;
      expect(prepared.operatingPoint(t)).toEqual(want);
      expect(
        operatingPoint(input.predictions.scores, prepared.predictionMatch, numGt, input.images.length, t),
      ).toEqual(want);
    }
  });

  it('perImage(t) sums to the operating point, and fn = ground truth − tp per image', () => {
    for (const t of THRESHOLDS) {
      const { tp, fp, fn } = prepared.perImage(t);
      const op = prepared.operatingPoint(t);
      const sum = (a: Int32Array): number => a.reduce((s, v) => s + v, 0);
      expect([sum(tp), sum(fp), sum(fn)]).toEqual([op.tp, op.fp, op.fn]);
      for (let i = 0; i < input.images.length; i++) {
        let gt = 0;
        for (const img of input.groundTruth.image) if (img === i) gt++;
        expect(fn[i]).toBe(gt - tp[i]!);
      }
    }
  });

  it('predictionMatch and gtMatchedBy are each other’s inverse and give the box states at a threshold', () => {
    const { predictionMatch, gtMatchedBy } = prepared;
    expect(predictionMatch).toEqual(matchPredictions(input, 0.1).predictionMatch);
    predictionMatch.forEach((g, p) => {
      if (g >= 0) expect(gtMatchedBy[g]).toBe(p);
    });
    gtMatchedBy.forEach((p, g) => {
      if (p >= 0) expect(predictionMatch[p]).toBe(g);
    });
    const t = 0.5;
    const missed = Array.from(gtMatchedBy).filter((p) => p < 0 || input.predictions.scores[p]! < t).length;
    expect(missed).toBe(prepared.operatingPoint(t).fn);
  });

  it('evaluation(settings) equals evaluate, also at another IoU threshold', () => {
    expect(prepared.evaluation()).toEqual(evaluate(input));
    const at03 = { ...DEFAULT_EVAL_SETTINGS, iouThreshold: 0.3 };
    expect(prepared.evaluation(at03)).toEqual(evaluate(input, at03));
  });
});

it('the cap marks dropped predictions CAPPED and frees the boxes they took', () => {
  const input = synthetic({ seed: 40, patients: 4 });
  const full = matchPredictions(input, 0.1);
  const capped = matchPredictions(input, 0.1, 1);
  for (let p = 0; p < full.rank.length; p++) {
    if (full.rank[p]! >= 1) expect(capped.predictionMatch[p]).toBe(-2);
    else expect(capped.predictionMatch[p]).toBe(full.predictionMatch[p]);
  }
  capped.gtMatchedBy.forEach((p, g) => {
    if (p >= 0) expect(capped.predictionMatch[p]).toBe(g);
  });
});

it('a malformed input is refused with a message', () => {
  const input = synthetic({ seed: 41, patients: 2 });
  const bad = {
    ...input,
    predictions: { ...input.predictions, scores: input.predictions.scores.map(() => NaN) },
  };
  expect(() => prepareEvaluation(bad, 0.1)).toThrow(/score NaN/);
  const unsorted = {
    ...input,
    predictions: { ...input.predictions, image: input.predictions.image.slice().reverse() },
  };
  expect(() => prepareEvaluation(unsorted, 0.1)).toThrow(/grouped by ascending image/);
  expect(() => prepareEvaluation(input, 1.5)).toThrow(/IoU threshold/);
});
