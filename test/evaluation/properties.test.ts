// Properties on seeded random inputs, and the degenerate inputs the golden README describes.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVAL_SETTINGS,
  evalInput,
  evaluate,
  type EvalPrediction,
  type Evaluation,
} from '../../src/shared/evaluation';
import { mulberry32 } from '../../src/shared/evaluation/random';
import { syntheticRows } from './synthetic';

/** The numbers of an evaluation, for comparing two of them. */
function numbers(e: Evaluation): unknown {
  return {
    numImages: e.numImages,
    numPatients: e.numPatients,
    perLabel: e.perLabel.map((l) => ({ ...l, froc: { ...l.froc, curve: l.froc.curve.length } })),
    overall: e.overall,
  };
}

describe('invariance to the order of images', () => {
  it.each([1, 2, 3, 4, 5])('permuting images with their boxes keeps every metric (seed %i)', (seed) => {
    const rows = syntheticRows({ seed, labels: ['dvt', 'pe'] });
    const random = mulberry32(seed + 100);
    const perm = rows.images.map((_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    // Image i moves to position where[i].
    const where = new Array<number>(perm.length);
    perm.forEach((from, to) => (where[from] = to));
    const permuted = evalInput(
      perm.map((i) => rows.images[i]!),
      rows.labels,
      rows.groundTruth.map((g) => ({ ...g, image: where[g.image]! })),
      rows.predictions.map((p) => ({ ...p, image: where[p.image]! })),
    );
    const original = evalInput(rows.images, rows.labels, rows.groundTruth, rows.predictions);
    for (const settings of [DEFAULT_EVAL_SETTINGS, { ...DEFAULT_EVAL_SETTINGS, scoreThreshold: 0.5 }]) {
      const a = evaluate(original, settings);
      const b = evaluate(permuted, settings);
      expect(numbers(b)).toEqual(numbers(a));
      expect(b.overall.froc.curve).toEqual(a.overall.froc.curve);
    }
  });
});

describe('a perfect detector', () => {
  it('has sensitivity 1, FPPI 0, precision 1 and AP ≥ 0.99999', () => {
    const rows = syntheticRows({ seed: 7, patients: 20 });
    const predictions: EvalPrediction[] = rows.groundTruth.map((g, i) => ({ ...g, score: 0.5 + i * 1e-4 }));
    const e = evaluate(evalInput(rows.images, rows.labels, rows.groundTruth, predictions));
    expect(rows.groundTruth.length).toBeGreaterThan(10);
    expect(e.overall.operatingPoint).toMatchObject({ sensitivity: 1, fppi: 0, precision: 1, fn: 0, fp: 0 });
    expect(e.overall.mAP).toBeGreaterThanOrEqual(0.99999);
    expect(e.perLabel[0]!.ap.maxRecall).toBe(1);
    expect(e.overall.froc.cpm).toBe(1);
  });
});

describe('the score threshold', () => {
  it.each([11, 12, 13])(
    'a prediction added below it does not change the operating point (seed %i)',
    (seed) => {
      const rows = syntheticRows({ seed });
      const before = evaluate(evalInput(rows.images, rows.labels, rows.groundTruth, rows.predictions));
      // A low-scored copy of a ground-truth box (it would be a hit) and a stray one.
      const g = rows.groundTruth[0]!;
      const extra: EvalPrediction[] = [
        { ...g, score: 0.05 },
        { image: 0, label: 'dvt', box: [0, 0, 5, 5], score: 0.0999999 },
      ];
      const after = evaluate(
        evalInput(rows.images, rows.labels, rows.groundTruth, [...rows.predictions, ...extra]),
      );
      expect(after.overall.operatingPoint).toEqual(before.overall.operatingPoint);
      expect(after.overall.froc.numDetections).toBe(before.overall.froc.numDetections + 2);
    },
  );
});

describe('labels', () => {
  it('boxes match only their own label; mAP is the mean over labels with ground truth', () => {
    const box = [10, 10, 30, 30] as const;
    const input = evalInput(
      [{ key: 'a', patientId: 'p' }],
      ['dvt', 'pe', 'other'],
      [
        { image: 0, label: 'dvt', box: [...box] },
        { image: 0, label: 'pe', box: [100, 100, 120, 120] },
      ],
      [
        { image: 0, label: 'pe', box: [...box], score: 0.9 },
        { image: 0, label: 'dvt', box: [...box], score: 0.8 },
        { image: 0, label: 'other', box: [...box], score: 0.7 },
      ],
    );
    const e = evaluate(input);
    expect(e.perLabel.map((l) => [l.label, l.operatingPoint.tp, l.operatingPoint.fp])).toEqual([
      ['dvt', 1, 0],
      ['other', 0, 1],
      ['pe', 0, 1],
    ]);
    expect(e.perLabel.find((l) => l.label === 'other')!.ap.ap101).toBe(-1);
    const dvt = e.perLabel.find((l) => l.label === 'dvt')!.ap.ap101;
    const pe = e.perLabel.find((l) => l.label === 'pe')!.ap.ap101;
    expect(pe).toBe(0);
    expect(e.overall.mAP).toBe((dvt + pe) / 2);
    expect(e.overall.operatingPoint).toMatchObject({ tp: 1, fp: 2, fn: 1 });
  });

  it('pools labels in the overall FROC (nnDetection: one curve over every box)', () => {
    const rows = syntheticRows({ seed: 21, labels: ['a', 'b'] });
    const e = evaluate(evalInput(rows.images, rows.labels, rows.groundTruth, rows.predictions));
    const sum = (f: (l: (typeof e.perLabel)[number]) => number): number =>
      e.perLabel.reduce((s, l) => s + f(l), 0);
    expect(e.overall.froc.numGt).toBe(sum((l) => l.froc.numGt));
    expect(e.overall.froc.numMatched).toBe(sum((l) => l.froc.numMatched));
    expect(e.overall.operatingPoint.tp).toBe(sum((l) => l.operatingPoint.tp));
  });
});

describe('degenerate inputs (as the references: undefined values are null or −1, never NaN)', () => {
  const images = [
    { key: 'a', patientId: 'p' },
    { key: 'b', patientId: 'p' },
  ];
  const gt = [{ image: 0, label: 'dvt', box: [10, 10, 20, 20] as [number, number, number, number] }];

  it('no ground truth: AP −1, sensitivity null, FROC 0', () => {
    const e = evaluate(evalInput(images, ['dvt'], [], [{ ...gt[0]!, score: 0.9 }]));
    expect(e.overall.mAP).toBe(-1);
    expect(e.perLabel[0]!.ap).toEqual({ ap101: -1, apStep: -1, maxRecall: -1 });
    expect(e.overall.operatingPoint).toMatchObject({ sensitivity: null, fppi: 0.5, precision: 0 });
    expect(e.overall.froc.sensitivityAtRates).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(e.overall.froc.cpm).toBe(0);
  });

  it('no prediction: AP 0, precision null, FROC all zeros', () => {
    const e = evaluate(evalInput(images, ['dvt'], gt, []));
    expect(e.perLabel[0]!.ap).toEqual({ ap101: 0, apStep: 0, maxRecall: 0 });
    expect(e.overall.operatingPoint).toMatchObject({ sensitivity: 0, fppi: 0, precision: null, fn: 1 });
    expect(e.overall.froc.sensitivityAtRates).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(e.overall.froc.cpm).toBe(0);
    expect(e.overall.froc.curve).toEqual([{ fppi: 0, sensitivity: 0, score: 1 }]);
  });

  it('predictions but none matched: AP 0, FROC null (0/0 in roc_curve)', () => {
    const e = evaluate(
      evalInput(images, ['dvt'], gt, [{ image: 1, label: 'dvt', box: [10, 10, 20, 20], score: 0.3 }]),
    );
    expect(e.overall.mAP).toBe(0);
    expect(e.overall.froc.sensitivityAtRates).toEqual([null, null, null, null, null, null, null]);
    expect(e.overall.froc.cpm).toBeNull();
    expect(e.overall.froc.curve.map((p) => [p.fppi, p.sensitivity])).toEqual([
      [0, 0],
      [0.5, 0],
    ]);
  });

  it('no images at all', () => {
    const e = evaluate(evalInput([], undefined, [], []));
    expect(e).toMatchObject({ numImages: 0, numPatients: 0, perLabel: [] });
    expect(e.overall.operatingPoint).toMatchObject({ sensitivity: null, fppi: 0, precision: null });
  });
});

describe('the FROC curve (built on first read)', () => {
  const rows = syntheticRows({ seed: 90, labels: ['a', 'b'], scoreDecimals: 2 });
  const input = evalInput(rows.images, rows.labels, rows.groundTruth, rows.predictions);

  it('is a plain array property after the first read, one point per distinct score', () => {
    const e = evaluate(input);
    const curve = e.overall.froc.curve;
    expect(Object.getOwnPropertyDescriptor(e.overall.froc, 'curve')).toMatchObject({ value: curve });
    expect(e.overall.froc.curve).toBe(curve);
    const distinct = new Set(rows.predictions.map((p) => p.score)).size;
    expect(curve).toHaveLength(distinct + 1);
    expect(curve[0]).toEqual({
      fppi: 0,
      sensitivity: 0,
      score: Math.max(...rows.predictions.map((p) => p.score)) + 1,
    });
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]!.score).toBeLessThan(curve[i - 1]!.score);
      expect(curve[i]!.fppi).toBeGreaterThanOrEqual(curve[i - 1]!.fppi);
      expect(curve[i]!.sensitivity).toBeGreaterThanOrEqual(curve[i - 1]!.sensitivity);
    }
    expect(curve.at(-1)!.sensitivity).toBeCloseTo(e.overall.froc.numMatched / e.overall.froc.numGt, 12);
  });

  it('survives JSON and structured cloning (IPC) with every curve, per label and per fold', () => {
    const e = evaluate(input);
    const viaJson = JSON.parse(JSON.stringify(e)) as Evaluation;
    const cloned = structuredClone(e);
    for (const copy of [viaJson, cloned]) {
      expect(copy.overall.froc.curve).toEqual(e.overall.froc.curve);
      copy.perLabel.forEach((l, i) => expect(l.froc.curve).toEqual(e.perLabel[i]!.froc.curve));
    }
  });
});
