// A reader's operating point against a reference reader (shared/reading/readerPoint.ts), on small
// inputs whose numbers are counted by hand.
import { describe, expect, it } from 'vitest';
import type { EvalGroundTruth } from '../../src/shared/evaluation/types';
import { readerEvalInput, readerPoint } from '../../src/shared/reading/readerPoint';

// Two patients, two slices each.
const images = [
  { key: 'a0', patientId: 'A' },
  { key: 'a1', patientId: 'A' },
  { key: 'b0', patientId: 'B' },
  { key: 'b1', patientId: 'B' },
];
const box = (image: number, x: number, y: number, label = 'DVT'): EvalGroundTruth => ({
  image,
  label,
  box: [x, y, x + 20, y + 20],
});
const none = { median: null, mean: null };

describe('readerEvalInput', () => {
  it("makes the reader's boxes detections of score 1 and keeps the workspace's label order", () => {
    const input = readerEvalInput(images, ['DVT', 'other'], [box(0, 10, 10)], [box(3, 5, 5, 'new')]);
    expect(input.labels).toEqual(['DVT', 'other', 'new']);
    expect([...input.predictions.scores]).toEqual([1]);
    expect([...input.predictions.image]).toEqual([3]);
    expect([...input.groundTruth.image]).toEqual([0]);
  });
});

describe('readerPoint', () => {
  // Reference: a0 one thrombus, a1 one, b0 one. Reader: finds a0's (shifted a little: IoU > 0.1),
  // misses a1's, finds b0's, and marks a false one on b1.
  const reference = [box(0, 100, 100), box(1, 200, 200), box(2, 50, 50)];
  const reader = [box(0, 105, 104), box(2, 50, 50), box(3, 300, 300)];
  const input = readerEvalInput(images, ['DVT'], reference, reader);

  it('counts TP, FP, FN over every image of the cases', () => {
    const p = readerPoint(input, { resamples: 0, seed: 1, cases: 2, seconds: { median: 40, mean: 45 } });
    expect(p).toEqual({
      cases: 2,
      images: 4,
      tp: 2,
      fp: 1,
      fn: 1,
      sensitivity: 2 / 3,
      fppi: 1 / 4,
      precision: 2 / 3,
      sensitivityCi: null,
      fppiCi: null,
      medianSeconds: 40,
      meanSeconds: 45,
    });
  });

  it('does not match a box of another label', () => {
    const other = readerEvalInput(images, ['DVT'], [box(0, 100, 100)], [box(0, 100, 100, 'other')]);
    const p = readerPoint(other, { resamples: 0, seed: 1, cases: 1, seconds: none });
    expect(p).toMatchObject({ tp: 0, fp: 1, fn: 1, sensitivity: 0, precision: 0 });
  });

  it('gives null sensitivity without reference boxes and null precision without reader boxes', () => {
    const empty = readerEvalInput(images, ['DVT'], [], []);
    const p = readerPoint(empty, { resamples: 0, seed: 1, cases: 2, seconds: none });
    expect(p).toMatchObject({ tp: 0, fp: 0, fn: 0, sensitivity: null, fppi: 0, precision: null });
  });

  it('adds patient-bootstrap 95% intervals, the same for the same seed', () => {
    const options = { resamples: 400, seed: 7, cases: 2, seconds: none };
    const p = readerPoint(input, options);
    // Resamples hold {A, A} (sensitivity 1/2, FPPI 0), {B, B} (1, 1/2) or {A, B} (2/3, 1/4).
    expect(p.sensitivityCi).toEqual({ low: 0.5, high: 1 });
    expect(p.fppiCi).toEqual({ low: 0, high: 0.5 });
    expect(readerPoint(input, options)).toEqual(p);
  });

  it('gives no sensitivity interval when the reference has no box', () => {
    const empty = readerEvalInput(images, ['DVT'], [], [box(0, 1, 1)]);
    const p = readerPoint(empty, { resamples: 100, seed: 1, cases: 2, seconds: none });
    expect(p.sensitivityCi).toBeNull();
    expect(p.fppiCi).not.toBeNull();
  });
});
