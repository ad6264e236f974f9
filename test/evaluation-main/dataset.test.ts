// The 'evaluation:dataset' channel on a real imported workspace: two readers' boxes drawn through
// 'annotations:create', runs of a committed tiny model through 'inference:start'.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/main/services/handlers';
import type { Reader } from '../../src/shared/annotation/schemas';
import { EvaluationDataset, runEvalInput } from '../../src/shared/evaluation/dataset';
import type { ModelId, RunId } from '../../src/shared/ids';
import { RunParams, type RunSummary } from '../../src/shared/inference/schemas';
import { decodeWire, encodeWire } from '../../src/shared/ipc/wire';
import { annotationWorkspace, call, refused, type AnnotationFixture } from '../annotation/fixture';

let fx: AnnotationFixture;
let h: Handlers;
let drA: Reader;
let drB: Reader;
let runs: RunSummary[];
let modelId: ModelId;

const box = (x1: number, y1: number, x2: number, y2: number) => ({
  space: 'dicom-pixel' as const,
  x1,
  y1,
  x2,
  y2,
});

beforeAll(async () => {
  fx = await annotationWorkspace(2, 10);
  h = fx.handlers;
  drA = await call(h, 'readers:add', { name: 'Dr A' });
  drB = await call(h, 'readers:add', { name: 'Dr B' });
  const [s0, s1] = fx.series;
  // Dr A: two boxes on slice 2 of the first series, one on slice 3; one on slice 5 of the second,
  // and one more there that she deletes again.
  await call(h, 'annotations:create', {
    seriesUid: s0!.uid,
    readerId: drA.id,
    boxes: [
      { sopInstanceUid: s0!.sops[2]!, label: 'DVT', box: box(100, 100, 140, 130) },
      { sopInstanceUid: s0!.sops[2]!, label: 'DVT', box: box(300, 300, 320, 330) },
      { sopInstanceUid: s0!.sops[3]!, label: 'DVT', box: box(101.5, 99.25, 141, 131) },
    ],
  });
  const [, deleted] = await call(h, 'annotations:create', {
    seriesUid: s1!.uid,
    readerId: drA.id,
    boxes: [
      { sopInstanceUid: s1!.sops[5]!, label: 'DVT', box: box(200, 210, 230, 240) },
      { sopInstanceUid: s1!.sops[6]!, label: 'DVT', box: box(10, 10, 20, 20) },
    ],
  });
  await call(h, 'annotations:delete', { readerId: drA.id, ids: [deleted!.id] });
  // Dr B: a box of his own on the first series.
  await call(h, 'annotations:create', {
    seriesUid: s0!.uid,
    readerId: drB.id,
    boxes: [{ sopInstanceUid: s0!.sops[4]!, label: 'DVT', box: box(50, 50, 90, 90) }],
  });

  const { model } = await call(h, 'models:add', {
    path: resolve('test/fixtures/models/tiny-tv-raw-3slice.onnx'),
  });
  modelId = model.id;
  const jobs = await call(h, 'inference:start', {
    modelIds: [model.id],
    seriesUids: fx.series.map((s) => s.uid),
    params: { provider: 'cpu', stride: 128 },
  });
  await fx.ws.inference.whenIdle();
  const all = await call(h, 'runs:list', {});
  runs = jobs.map((j) => all.find((r) => r.seriesUid === j.seriesUid)!);
  expect(runs.map((r) => r.status)).toEqual(['done', 'done']);
}, 180_000);

afterAll(async () => {
  await fx.ws.close();
  rmSync(fx.root, { recursive: true, force: true });
});

/** Boxes of a column set as plain rows, for comparisons. */
function rows(c: { image: Int32Array; label: Int32Array; boxes: Float64Array; scores?: Float64Array }) {
  return [...c.image].map((image, k) => ({
    image,
    label: c.label[k]!,
    box: [...c.boxes.subarray(k * 4, k * 4 + 4)],
    ...(c.scores ? { score: c.scores[k]! } : {}),
  }));
}

describe('evaluation:dataset', () => {
  it('lists every slice of the runs’ series, with patient, series and slice index', async () => {
    const d = await call(h, 'evaluation:dataset', { readerId: drA.id, runIds: runs.map((r) => r.id) });
    expect(EvaluationDataset.safeParse(d).success).toBe(true);
    expect(d.reader).toEqual(drA);
    expect(d.images).toHaveLength(20);
    // Series in the catalog's order, each slice in anatomical order, keyed by SOP instance UID.
    expect(d.images.map((i) => i.key)).toEqual(fx.series.flatMap((s) => s.sops));
    for (const [si, s] of fx.series.entries()) {
      const imgs = d.images.slice(si * 10, si * 10 + 10);
      expect(imgs.map((i) => i.sliceIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(new Set(imgs.map((i) => i.seriesUid))).toEqual(new Set([s.uid]));
      expect(new Set(imgs.map((i) => i.patientId)).size).toBe(1);
    }
    expect(d.images[0]!.patientId).not.toBe(d.images[10]!.patientId);
    expect(d.labels).toEqual(['DVT']);
    // Each run covers its own series' slices.
    for (const r of d.runs) {
      const offset = fx.series.findIndex((s) => s.uid === r.run.seriesUid) * 10;
      expect([...r.images]).toEqual([...Array(10).keys()].map((i) => i + offset));
    }
  });

  it("gives the reader's live boxes only, on the right slices, in drawing order", async () => {
    const d = await call(h, 'evaluation:dataset', { readerId: drA.id, runIds: runs.map((r) => r.id) });
    const sopOf = (i: number) => d.images[i]!.key;
    const [s0, s1] = fx.series;
    expect(
      rows(d.groundTruth).map((r) => ({ sop: sopOf(r.image), label: d.labels[r.label], box: r.box })),
    ).toEqual([
      { sop: s0!.sops[2], label: 'DVT', box: [100, 100, 140, 130] },
      { sop: s0!.sops[2], label: 'DVT', box: [300, 300, 320, 330] },
      { sop: s0!.sops[3], label: 'DVT', box: [101.5, 99.25, 141, 131] },
      { sop: s1!.sops[5], label: 'DVT', box: [200, 210, 230, 240] },
    ]);
    const forB = await call(h, 'evaluation:dataset', { readerId: drB.id, runIds: [runs[0]!.id] });
    expect(rows(forB.groundTruth).map((r) => forB.images[r.image]!.key)).toEqual([s0!.sops[4]]);
  });

  it('evaluates patches around the reader’s boxes and the reference veins when asked (the paper’s unit)', async () => {
    const ids = runs.map((r) => r.id);
    const slices = await call(h, 'evaluation:dataset', { readerId: drA.id, runIds: ids });
    const d = await call(h, 'evaluation:dataset', { readerId: drA.id, runIds: ids, unit: 'patches' });
    // Phantom series carry reference veins: many more patches than the reader's four boxes.
    expect(d.images.length).toBeGreaterThan(4);
    for (const img of d.images) {
      expect(img.window).toBeDefined();
      expect(img.key).toBe(
        `${slices.images.find((s) => s.key === img.key.split('#')[0])!.key}#${img.window!.x},${img.window!.y}`,
      );
    }
    // Every one of the reader's boxes lies whole in the patch centred on it.
    expect(rows(d.groundTruth).length).toBeGreaterThanOrEqual(4);
    for (const r of rows(d.groundTruth)) {
      const w = d.images[r.image]!.window!;
      expect(r.box.every((v, i) => v >= 0 && v <= (i % 2 === 0 ? w.width : w.height))).toBe(true);
    }
    expect(d.runs.map((r) => r.images.length).reduce((a, b) => a + b, 0)).toBe(d.images.length);
  });

  it("carries each run's stored predictions, grouped by ascending image, on its own series", async () => {
    const d = await call(h, 'evaluation:dataset', { readerId: drA.id, runIds: runs.map((r) => r.id) });
    for (const r of d.runs) {
      const stored = await call(h, 'runs:predictions', { runId: r.run.id });
      expect(stored.length).toBe(r.run.predictionCount);
      expect(r.predictions.image.length).toBe(stored.length);
      expect(r.predictions.scores.length).toBe(stored.length);
      expect(r.predictions.boxes.length).toBe(stored.length * 4);
      const image = [...r.predictions.image];
      expect(image).toEqual([...image].sort((a, b) => a - b));
      const own = new Set(r.images);
      expect(image.every((i) => own.has(i))).toBe(true);
      // Same boxes and scores as 'runs:predictions' (which orders each slice by score).
      const key = (p: { sop: string; score: number; box: number[] }) =>
        `${p.sop} ${p.score} ${p.box.join(',')}`;
      const ours = rows(r.predictions).map((p) =>
        key({ sop: d.images[p.image]!.key, score: p.score!, box: p.box }),
      );
      const theirs = stored.map((p) =>
        key({ sop: p.sopInstanceUid, score: p.score, box: [p.box.x1, p.box.y1, p.box.x2, p.box.y2] }),
      );
      expect(ours.sort()).toEqual(theirs.sort());
      for (const p of rows(r.predictions))
        expect(d.images[p.image]!.sliceIndex).toBe(
          stored.find((s) => s.sopInstanceUid === d.images[p.image]!.key)!.sliceIndex,
        );
    }
    expect(d.runs.map((r) => r.run)).toEqual(runs);
  });

  it('cuts one run’s evaluation input out of the dataset', async () => {
    const d = await call(h, 'evaluation:dataset', { readerId: drA.id, runIds: runs.map((r) => r.id) });
    const second = d.runs.findIndex((r) => r.run.seriesUid === fx.series[1]!.uid);
    const input = runEvalInput(d, second);
    expect(input.images.map((i) => i.key)).toEqual(fx.series[1]!.sops);
    expect(input.labels).toEqual(['DVT']);
    expect(rows(input.groundTruth)).toEqual([{ image: 5, label: 0, box: [200, 210, 230, 240] }]);
    expect(input.predictions.image.length).toBe(d.runs[second]!.predictions.image.length);
    expect([...input.predictions.image]).toEqual([...d.runs[second]!.predictions.image].map((i) => i - 10));
    expect([...input.predictions.scores]).toEqual([...d.runs[second]!.predictions.scores]);
  });

  it('covers only the series of the runs asked for', async () => {
    const second = runs.find((r) => r.seriesUid === fx.series[1]!.uid)!;
    const d = await call(h, 'evaluation:dataset', { readerId: drA.id, runIds: [second.id] });
    expect(d.images.map((i) => i.key)).toEqual(fx.series[1]!.sops);
    expect(rows(d.groundTruth)).toEqual([{ image: 5, label: 0, box: [200, 210, 230, 240] }]);
    expect([...d.runs[0]!.images]).toEqual([...Array(10).keys()]);
  });

  it('crosses the browser harness’s JSON intact', async () => {
    const d = await call(h, 'evaluation:dataset', { readerId: drA.id, runIds: runs.map((r) => r.id) });
    const back = EvaluationDataset.parse(decodeWire(encodeWire(d)));
    expect(back.groundTruth.image).toBeInstanceOf(Int32Array);
    expect(back.runs[0]!.predictions.scores).toBeInstanceOf(Float64Array);
    expect(back).toEqual(d);
  });

  it('refuses unknown readers and runs, unfinished runs, and bad run lists', async () => {
    expect(await refused(h, 'evaluation:dataset', { readerId: 999, runIds: [runs[0]!.id] })).toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/no reader 999/) as unknown,
    });
    expect(
      await refused(h, 'evaluation:dataset', { readerId: drA.id, runIds: [runs[0]!.id, 999] }),
    ).toMatchObject({ code: 'not-found', message: expect.stringMatching(/no run 999/) as unknown });
    // A run still going (stored by hand, as the worker would), and one that failed.
    const store = fx.ws.inference.runs;
    const unfinished = (status: 'running' | 'failed'): RunId => {
      const id = store.create({
        modelId,
        modelName: 'tiny-tv-raw-3slice',
        modelSha256: runs[0]!.modelSha256,
        seriesUid: fx.series[0]!.uid,
        providerRequested: 'cpu',
        params: RunParams.parse({}),
        sliceCount: 10,
        startedAt: new Date().toISOString(),
      });
      if (status !== 'running') store.finish(id, status, new Date().toISOString(), 'boom');
      return id;
    };
    for (const status of ['running', 'failed'] as const) {
      const id = unfinished(status);
      const e = await refused(h, 'evaluation:dataset', { readerId: drA.id, runIds: [runs[0]!.id, id] });
      expect(e.code).toBe('invalid-input');
      expect(e.message).toContain(`run ${id} (tiny-tv-raw-3slice on ${fx.series[0]!.uid}) is ${status}`);
      expect(e.message).toContain("only finished ('done') runs");
      store.finish(id, 'cancelled', new Date().toISOString());
      store.delete(id);
    }
    const id = runs[0]!.id;
    expect((await refused(h, 'evaluation:dataset', { readerId: drA.id, runIds: [id, id] })).message).toMatch(
      /distinct/,
    );
    expect((await refused(h, 'evaluation:dataset', { readerId: drA.id, runIds: [] })).code).toBe(
      'invalid-input',
    );
    const many = Array.from({ length: 17 }, (_, i) => i + 1);
    expect((await refused(h, 'evaluation:dataset', { readerId: drA.id, runIds: many })).code).toBe(
      'invalid-input',
    );
  });
});
