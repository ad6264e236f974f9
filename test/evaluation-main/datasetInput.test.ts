// runEvalInput / pooledEvalInput on a hand-made dataset: restriction to a run's images, index
// remapping, order kept, and pooling runs of one model over several series.
import { describe, expect, it } from 'vitest';
import {
  EvaluationDataset,
  pooledEvalInput,
  runEvalInput,
  type EvaluationDataset as Dataset,
} from '../../src/shared/evaluation/dataset';
import { ModelId, RunId, SeriesUid } from '../../src/shared/ids';
import { RunParams, type RunSummary } from '../../src/shared/inference/schemas';
import { ReaderId } from '../../src/shared/annotation/schemas';

const S1 = SeriesUid.parse('1.2.1');
const S2 = SeriesUid.parse('1.2.2');

function run(id: number, seriesUid: SeriesUid, sliceCount: number): RunSummary {
  return {
    id: RunId.parse(id),
    modelId: ModelId.parse(1),
    modelName: 'm',
    modelSha256: 'ab',
    seriesUid,
    status: 'done',
    providerRequested: 'cpu',
    providerUsed: 'cpu',
    providerNotes: [],
    params: RunParams.parse({}),
    sliceCount,
    slicesDone: sliceCount,
    tileCount: 0,
    startedAt: '2024-01-01T00:00:00Z',
    finishedAt: '2024-01-01T00:00:01Z',
    msPerSlice: 1,
    predictionCount: 0,
    error: null,
  };
}

const cols = (rows: [image: number, label: number, x1: number, score?: number][]) => ({
  image: Int32Array.from(rows.map((r) => r[0])),
  label: Int32Array.from(rows.map((r) => r[1])),
  boxes: Float64Array.from(rows.flatMap((r) => [r[2], 0, r[2] + 10, 10])),
});
const preds = (rows: [image: number, label: number, x1: number, score: number][]) => ({
  ...cols(rows),
  scores: Float64Array.from(rows.map((r) => r[3])),
});

// Series 1 (patient A): images 0–2; series 2 (patient B): images 3–4.
const dataset: Dataset = EvaluationDataset.parse({
  reader: { id: ReaderId.parse(1), name: 'R' },
  images: [
    { key: '1.1', patientId: 'A', seriesUid: S1, sliceIndex: 0 },
    { key: '1.2', patientId: 'A', seriesUid: S1, sliceIndex: 1 },
    { key: '1.3', patientId: 'A', seriesUid: S1, sliceIndex: 2 },
    { key: '2.1', patientId: 'B', seriesUid: S2, sliceIndex: 0 },
    { key: '2.2', patientId: 'B', seriesUid: S2, sliceIndex: 1 },
  ],
  labels: ['DVT', 'mimic'],
  groundTruth: cols([
    [0, 0, 1],
    [2, 0, 2],
    [2, 1, 3],
    [3, 0, 4],
    [4, 0, 5],
  ]),
  runs: [
    {
      run: run(10, S1, 3),
      images: Int32Array.from([0, 1, 2]),
      predictions: preds([
        [1, 0, 11, 0.5],
        [2, 0, 12, 0.9],
        [2, 0, 13, 0.9],
      ]),
    },
    {
      run: run(11, S2, 2),
      images: Int32Array.from([3, 4]),
      predictions: preds([
        [3, 0, 14, 0.3],
        [4, 1, 15, 0.7],
      ]),
    },
    { run: run(12, S1, 3), images: Int32Array.from([0, 1, 2]), predictions: preds([]) },
  ],
});

const x1s = (b: Float64Array) => [...b].filter((_, i) => i % 4 === 0);

describe('runEvalInput', () => {
  it("restricts ground truth to the run's images and remaps every index", () => {
    const input = runEvalInput(dataset, 1);
    expect(input.images).toEqual([
      { key: '2.1', patientId: 'B' },
      { key: '2.2', patientId: 'B' },
    ]);
    expect(input.labels).toEqual(['DVT', 'mimic']);
    expect([...input.groundTruth.image]).toEqual([0, 1]);
    expect(x1s(input.groundTruth.boxes)).toEqual([4, 5]);
    expect([...input.predictions.image]).toEqual([0, 1]);
    expect([...input.predictions.label]).toEqual([0, 1]);
    expect([...input.predictions.scores]).toEqual([0.3, 0.7]);
    expect([...input.predictions.boxes.subarray(4, 8)]).toEqual([15, 0, 25, 10]);
  });

  it('keeps the listed order within an image (the tie-break order)', () => {
    const input = runEvalInput(dataset, 0);
    expect(input.images.map((i) => i.key)).toEqual(['1.1', '1.2', '1.3']);
    expect([...input.groundTruth.image]).toEqual([0, 2, 2]);
    expect([...input.groundTruth.label]).toEqual([0, 0, 1]);
    expect(x1s(input.predictions.boxes)).toEqual([11, 12, 13]);
    expect(runEvalInput(dataset, 2).predictions.image.length).toBe(0);
  });

  it('refuses a run index the dataset does not have', () => {
    expect(() => runEvalInput(dataset, 3)).toThrow(/no run at index 3/);
  });
});

describe('pooledEvalInput', () => {
  it("pools one model's runs on different series into one input, in the dataset's image order", () => {
    const input = pooledEvalInput(dataset, [1, 0]);
    expect(input.images.map((i) => i.key)).toEqual(['1.1', '1.2', '1.3', '2.1', '2.2']);
    expect(new Set(input.images.map((i) => i.patientId))).toEqual(new Set(['A', 'B']));
    expect([...input.groundTruth.image]).toEqual([0, 2, 2, 3, 4]);
    expect([...input.predictions.image]).toEqual([1, 2, 2, 3, 4]);
    expect(x1s(input.predictions.boxes)).toEqual([11, 12, 13, 14, 15]);
    expect([...input.predictions.scores]).toEqual([0.5, 0.9, 0.9, 0.3, 0.7]);
  });

  it('refuses runs that share slices', () => {
    expect(() => pooledEvalInput(dataset, [0, 2])).toThrow(/overlap on slice 1\.1/);
  });
});
