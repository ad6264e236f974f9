import { describe, expect, it } from 'vitest';
import { evalInput, evaluate, patchWindowsAround, toPatchUnits } from '../../src/shared/evaluation';
import { patchDataset, runEvalInput, type EvaluationDataset } from '../../src/shared/evaluation/dataset';

const geometry = { cols: 512, rows: 512, colSpacing: 0.695, rowSpacing: 0.695 };

describe('patchWindowsAround', () => {
  it('centres 128-px windows (at 0.695 mm) on points, inside the slice, each once', () => {
    const w = patchWindowsAround(
      [
        { image: 0, x: 200, y: 300 },
        { image: 0, x: 200, y: 300 },
        { image: 1, x: 10, y: 500 },
      ],
      () => geometry,
    );
    expect(w).toEqual([
      { image: 0, x: 136, y: 236, width: 128, height: 128 },
      { image: 1, x: 0, y: 384, width: 128, height: 128 },
    ]);
  });

  it('scales the window to the slice spacing', () => {
    const [w] = patchWindowsAround([{ image: 0, x: 256, y: 256 }], () => ({
      ...geometry,
      colSpacing: 0.977,
    }));
    expect(w).toMatchObject({ width: Math.round((128 * 0.695) / 0.977), height: 128 });
  });
});

describe('toPatchUnits', () => {
  const slices = evalInput(
    [
      { key: 's0', patientId: 'P1' },
      { key: 's1', patientId: 'P1' },
    ],
    ['DVT'],
    [
      { image: 0, label: 'DVT', box: [150, 250, 170, 270] },
      // Mostly outside the first window: not ground truth of that patch.
      { image: 0, label: 'DVT', box: [255, 250, 300, 270] },
    ],
    [
      { image: 0, label: 'DVT', box: [152, 252, 171, 271], score: 0.9 },
      { image: 0, label: 'DVT', box: [400, 400, 420, 420], score: 0.8 },
      { image: 1, label: 'DVT', box: [10, 10, 20, 20], score: 0.7 },
    ],
  );
  const windows = [{ image: 0, x: 136, y: 236, width: 128, height: 128 }];

  it('keeps what falls in each window, in window coordinates, with the slice’s patient', () => {
    const p = toPatchUnits(slices, windows);
    expect(p.images).toEqual([{ key: 's0#136,236', patientId: 'P1' }]);
    expect([...p.groundTruth.boxes]).toEqual([14, 14, 34, 34]);
    expect([...p.predictions.boxes]).toEqual([16, 16, 35, 35]);
    expect([...p.predictions.scores]).toEqual([0.9]);
    const e = evaluate(p);
    expect(e.overall.operatingPoint).toMatchObject({ tp: 1, fp: 0, fn: 0, fppi: 0 });
  });

  it('counts a patch without ground truth as an image, and its boxes as false positives', () => {
    const p = toPatchUnits(slices, [...windows, { image: 1, x: 0, y: 0, width: 128, height: 128 }]);
    expect(evaluate(p).overall.operatingPoint).toMatchObject({ tp: 1, fp: 1, fn: 0, fppi: 0.5 });
  });
});

describe('patchDataset', () => {
  it('maps ground truth and each run to the patches of its own slices', () => {
    const dataset = {
      reader: { id: 1, name: 'R' },
      images: [0, 1].map((i) => ({ key: `s${i}`, patientId: 'P1', seriesUid: '1.2', sliceIndex: i })),
      labels: ['DVT'],
      groundTruth: {
        image: Int32Array.of(0),
        label: Int32Array.of(0),
        boxes: Float64Array.of(150, 250, 170, 270),
      },
      runs: [
        {
          run: { id: 7 },
          images: Int32Array.of(0, 1),
          predictions: {
            image: Int32Array.of(0, 1),
            label: Int32Array.of(0, 0),
            boxes: Float64Array.of(152, 252, 171, 271, 10, 10, 20, 20),
            scores: Float64Array.of(0.9, 0.7),
          },
        },
      ],
    } as unknown as EvaluationDataset;
    const windows = [
      { image: 0, x: 136, y: 236, width: 128, height: 128 },
      { image: 1, x: 0, y: 0, width: 128, height: 128 },
    ];
    const p = patchDataset(dataset, windows);
    expect(p.images.map((i) => [i.key, i.sliceIndex, i.window])).toEqual([
      ['s0#136,236', 0, { x: 136, y: 236, width: 128, height: 128 }],
      ['s1#0,0', 1, { x: 0, y: 0, width: 128, height: 128 }],
    ]);
    expect([...p.runs[0]!.images]).toEqual([0, 1]);
    expect(evaluate(runEvalInput(p, 0)).overall.operatingPoint).toMatchObject({ tp: 1, fp: 1, fppi: 0.5 });
  });
});
