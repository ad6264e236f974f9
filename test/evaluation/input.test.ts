import { describe, expect, it } from 'vitest';
import {
  checkEvalInput,
  evalInput,
  iou,
  subsetByImages,
  subsetByPatients,
} from '../../src/shared/evaluation';
import { numpyInterp, numpyMean } from '../../src/shared/evaluation/numpy';
import { synthetic } from './synthetic';

describe('evalInput', () => {
  const images = [
    { key: 'a', patientId: 'p1' },
    { key: 'b', patientId: 'p2' },
  ];

  it('groups rows by image stably and builds the label list', () => {
    const input = evalInput(
      images,
      undefined,
      [
        { image: 1, label: 'z', box: [0, 0, 1, 1] },
        { image: 0, label: 'a', box: [1, 1, 2, 2] },
      ],
      [
        { image: 1, label: 'z', box: [0, 0, 1, 1], score: 0.1 },
        { image: 0, label: 'a', box: [0, 0, 2, 2], score: 0.2 },
        { image: 1, label: 'a', box: [0, 0, 3, 3], score: 0.3 },
        { image: 0, label: 'z', box: [0, 0, 4, 4], score: -0 },
      ],
    );
    expect(input.labels).toEqual(['a', 'z']);
    expect(Array.from(input.predictions.image)).toEqual([0, 0, 1, 1]);
    expect(Array.from(input.predictions.scores)).toEqual([0.2, 0, 0.1, 0.3]);
    expect(Object.is(input.predictions.scores[1], 0)).toBe(true);
    expect(Array.from(input.predictions.label)).toEqual([0, 1, 1, 0]);
    expect(Array.from(input.predictions.boxes.subarray(4, 8))).toEqual([0, 0, 4, 4]);
    expect(Array.from(input.groundTruth.label)).toEqual([0, 1]);
    expect(() => checkEvalInput(input)).not.toThrow();
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a duplicate image key', () => evalInput([images[0]!, images[0]!], [], [], []), /listed twice/],
    [
      'an image out of range',
      () => evalInput(images, ['a'], [{ image: 2, label: 'a', box: [0, 0, 1, 1] }], []),
      /groundTruth\[0\]\.image 2/,
    ],
    [
      'an unknown label',
      () => evalInput(images, ['a'], [{ image: 0, label: 'b', box: [0, 0, 1, 1] }], []),
      /label "b" is not in labels/,
    ],
    [
      'an inverted box',
      () => evalInput(images, ['a'], [], [{ image: 0, label: 'a', box: [2, 0, 1, 1], score: 1 }]),
      /predictions\[0\]\.box/,
    ],
    [
      'a NaN coordinate',
      () => evalInput(images, ['a'], [], [{ image: 0, label: 'a', box: [0, 0, NaN, 1], score: 1 }]),
      /4 finite numbers/,
    ],
    [
      'an infinite score',
      () => evalInput(images, ['a'], [], [{ image: 0, label: 'a', box: [0, 0, 1, 1], score: Infinity }]),
      /score is not finite/,
    ],
  ])('refuses %s', (_, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('subsets', () => {
  const input = synthetic({ seed: 70, patients: 6 });

  it('by patients keeps their images in order with all their boxes', () => {
    const sub = subsetByPatients(input, ['P1', 'P4']);
    expect(sub.images).toEqual(input.images.filter((i) => i.patientId === 'P1' || i.patientId === 'P4'));
    const count = (image: Int32Array, keep: (i: number) => boolean): number =>
      image.reduce((n, i) => n + (keep(i) ? 1 : 0), 0);
    const keep = (i: number): boolean => ['P1', 'P4'].includes(input.images[i]!.patientId);
    expect(sub.predictions.image.length).toBe(count(input.predictions.image, keep));
    expect(sub.groundTruth.image.length).toBe(count(input.groundTruth.image, keep));
    expect(() => checkEvalInput(sub)).not.toThrow();
  });

  it('by images reorders, and refuses repeats', () => {
    const sub = subsetByImages(input, [3, 0]);
    expect(sub.images).toEqual([input.images[3], input.images[0]]);
    expect(() => checkEvalInput(sub)).not.toThrow();
    expect(() => subsetByImages(input, [1, 1])).toThrow(/listed twice/);
  });
});

describe('iou', () => {
  it('is 0 for boxes that only touch, inclusive geometry otherwise', () => {
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBe(50 / 150);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBe(iou([5, 0, 15, 10], [0, 0, 10, 10]));
  });
});

describe('numpy semantics', () => {
  it('interp: outside, exact hits, vertical jumps (top), diagonal steps', () => {
    const xp = [0, 0.125, 0.125, 0.5, 1];
    const fp = [0, 0.25, 0.375, 0.5, 0.75];
    expect(numpyInterp(-1, xp, fp)).toBe(0);
    expect(numpyInterp(2, xp, fp)).toBe(0.75);
    expect(numpyInterp(0.125, xp, fp)).toBe(0.375);
    expect(numpyInterp(0.75, xp, fp)).toBe(0.625);
    expect(numpyInterp(1, xp, fp)).toBe(0.75);
    expect(numpyInterp(0, [0, 0, 0], [0, 0.5, 1])).toBe(1);
  });

  it('mean: pairwise summation (101 equal values as pycocotools)', () => {
    const q = new Float64Array(101).fill(1 / (1 + 2.220446049250313e-16));
    expect(numpyMean(q)).toBe(0.9999999999999999);
    expect(numpyMean([])).toBeNaN();
    expect(numpyMean(Float64Array.from({ length: 1000 }, (_, i) => i))).toBe(499.5);
  });
});
