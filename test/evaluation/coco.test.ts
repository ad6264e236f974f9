import { describe, expect, it } from 'vitest';
import { cocoToEvalInput, DEFAULT_EVAL_SETTINGS, evaluate } from '../../src/shared/evaluation';
import { goldenCases, goldenInput, type GoldenCase } from './golden';

/** A golden case as COCO files: boxes [x, y, w, h]; images listed in reverse to test the id order. */
function toCoco(c: GoldenCase): { gt: unknown; results: unknown } {
  const xywh = ([x1, y1, x2, y2]: number[]): number[] => [x1!, y1!, x2! - x1!, y2! - y1!];
  return {
    gt: {
      images: [...c.inputs.images]
        .reverse()
        .map((img) => ({ id: img.image_id, file_name: `${img.image_id}.dcm`, patient_id: img.patient_id })),
      annotations: c.inputs.ground_truth.map((g) => ({
        id: g.id,
        image_id: g.image_id,
        category_id: 1,
        bbox: xywh(g.box),
        iscrowd: 0,
      })),
      categories: [{ id: 1, name: 'dvt' }],
    },
    results: c.inputs.predictions.map((p) => ({
      image_id: p.image_id,
      category_id: 1,
      bbox: xywh(p.box),
      score: p.score,
    })),
  };
}

describe('cocoToEvalInput', () => {
  it.each(goldenCases().map((c) => [c.case_id, c] as const))(
    'round trip of %s gives the same numbers',
    (_, c) => {
      const { gt, results } = toCoco(c);
      const input = cocoToEvalInput(gt, results);
      expect(input.images.map((i) => i.key)).toEqual(c.inputs.images.map((i) => String(i.image_id)));
      for (const scoreThreshold of [0.1, 0.5]) {
        const settings = { ...DEFAULT_EVAL_SETTINGS, scoreThreshold };
        expect(evaluate(input, settings)).toEqual(evaluate(goldenInput(c), settings));
      }
    },
  );

  it('makes an image without patient_id its own patient', () => {
    const input = cocoToEvalInput(
      {
        images: [{ id: 3 }, { id: 1, patient_id: 'A' }, { id: 2, patient_id: 'A' }],
        annotations: [],
        categories: [{ id: 1, name: 'dvt' }],
      },
      [],
    );
    expect(input.images).toEqual([
      { key: '1', patientId: 'A' },
      { key: '2', patientId: 'A' },
      { key: '3', patientId: '3' },
    ]);
    expect(evaluate(input).numPatients).toBe(2);
  });

  const valid = toCoco(goldenCases()[1]!);
  const gt = valid.gt as { images: object[]; annotations: object[]; categories: object[] };
  const results = valid.results as object[];
  it.each<[string, unknown, unknown, RegExp]>([
    ['not an object', 'nope', results, /COCO ground truth is invalid: \(top level\)/],
    ['no images', { ...gt, images: undefined }, results, /COCO ground truth is invalid: images:/],
    [
      'a bbox of 3 numbers',
      { ...gt, annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 3] }] },
      results,
      /annotations\[0\]\.bbox/,
    ],
    [
      'a negative width',
      { ...gt, annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, -3, 4] }] },
      results,
      /annotations\[0\]\.bbox\[2\]/,
    ],
    [
      'a crowd annotation',
      { ...gt, annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4], iscrowd: 1 }] },
      results,
      /crowd annotations are not supported/,
    ],
    [
      'an unknown image',
      gt,
      [{ image_id: 99, category_id: 1, bbox: [0, 0, 1, 1], score: 0.5 }],
      /\[0\]\.image_id: 99/,
    ],
    [
      'an unknown category',
      gt,
      [{ image_id: 1, category_id: 7, bbox: [0, 0, 1, 1], score: 0.5 }],
      /category_id: 7/,
    ],
    [
      'a string score',
      gt,
      [{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: '0.5' }],
      /\[0\]\.score/,
    ],
    ['results not a list', gt, { annotations: [] }, /COCO results is invalid/],
    ['a duplicate image id', { ...gt, images: [{ id: 1 }, { id: 1 }] }, [], /id 1 is listed twice/],
    [
      'a duplicate category name',
      {
        ...gt,
        categories: [
          { id: 1, name: 'dvt' },
          { id: 2, name: 'dvt' },
        ],
      },
      [],
      /name "dvt" is listed twice/,
    ],
  ])('refuses %s with a message naming the field', (_, badGt, badResults, message) => {
    expect(() => cocoToEvalInput(badGt, badResults)).toThrow(message);
  });
});
