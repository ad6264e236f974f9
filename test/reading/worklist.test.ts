// 'worklist:get' and the auto-run model on a real workspace: runs of the committed tiny detector,
// stored runs with known predictions, queued jobs, and imports that queue the auto-run model.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCohort } from '../../src/main/phantom';
import { dispatch, type Handlers } from '../../src/main/services/handlers';
import type { Reader } from '../../src/shared/annotation/schemas';
import type { ModelSummary } from '../../src/shared/inference/schemas';
import type { Worklist as WorklistType } from '../../src/shared/reading/schemas';
import { Worklist } from '../../src/shared/reading/schemas';
import { orderWorklist } from '../../src/shared/reading/worklistOrder';
import type { Result } from '../../src/shared/result';
import { call, refused, type FixtureSeries } from '../annotation/fixture';
import { readingWorkspace, storedRun, TINY_MODEL, type ReadingFixture } from './fixture';

let fx: ReadingFixture;
let h: Handlers;
let dr: Reader;
let series: FixtureSeries[];

beforeAll(async () => {
  fx = await readingWorkspace(4, 10);
  h = fx.handlers;
  series = fx.series;
  dr = await call(h, 'readers:add', { name: 'Dr Worklist' });
}, 180_000);

afterAll(async () => {
  await fx.ws.close();
  rmSync(fx.root, { recursive: true, force: true });
});

const rowOf = (w: WorklistType, s: FixtureSeries) => w.rows.find((r) => r.seriesUid === s.uid)!;

describe('worklist:get', () => {
  it("lists every series with the model's scores once its runs finished, by suspicion", async () => {
    await call(h, 'inference:start', {
      modelIds: [fx.model.id],
      seriesUids: series.map((s) => s.uid),
      params: { provider: 'cpu', stride: 128 },
    });
    await fx.ws.inference.whenIdle();
    const w = await call(h, 'worklist:get', { modelId: fx.model.id, readerId: dr.id });
    expect(Worklist.safeParse(w).success).toBe(true);
    expect(w.model).toEqual({ id: fx.model.id, name: fx.model.name });
    expect(w.readerId).toBe(dr.id);
    expect(w.threshold).toBe(0.1);
    expect(w.rows).toHaveLength(4);
    const tree = await call(h, 'catalog:tree', {});
    for (const s of series) {
      const row = rowOf(w, s);
      const runs = await call(h, 'runs:list', { seriesUid: s.uid });
      const predictions = await call(h, 'runs:predictions', { runId: runs[0]!.id });
      const patient = tree.patients.find((p) =>
        p.studies.some((st) => st.series.some((x) => x.seriesUid === s.uid)),
      )!;
      expect(row).toEqual({
        seriesUid: s.uid,
        patientId: patient.patientId,
        patientName: patient.name,
        description: patient.studies[0]!.series[0]!.description,
        studyDate: patient.studies[0]!.date,
        slices: 10,
        runState: 'done',
        runId: runs[0]!.id,
        maxScore: Math.max(0, ...predictions.map((p) => p.score)),
        suggestions: predictions.filter((p) => p.score >= 0.1).length,
        status: 'not-started',
      });
    }
    expect(w.rows).toEqual(orderWorklist(w.rows));
    const all = await call(h, 'worklist:get', { modelId: fx.model.id, threshold: 0 });
    expect(all.readerId).toBeNull();
    for (const s of series) {
      const runId = rowOf(all, s).runId!;
      expect(rowOf(all, s).suggestions).toBe((await call(h, 'runs:predictions', { runId })).length);
      expect(rowOf(all, s).status).toBe('not-started');
    }
  }, 180_000);

  it('orders known runs: scores, then running and queued jobs, failed runs, studies never run, read ones last', async () => {
    // A second model with runs whose predictions are known.
    const { model } = await call(h, 'models:add', { path: TINY_MODEL, name: 'known' });
    const [a, b, c, d] = series as [FixtureSeries, FixtureSeries, FixtureSeries, FixtureSeries];
    storedRun(fx, a, [{ slice: 1, score: 0.4, box: [10, 10, 20, 20] }], 'done', model);
    storedRun(
      fx,
      b,
      [
        { slice: 2, score: 0.8, box: [10, 10, 20, 20] },
        { slice: 3, score: 0.05, box: [1, 1, 5, 5] },
      ],
      'done',
      model,
    );
    const failed = storedRun(fx, c, [], 'interrupted', model);
    // A later failed run of b does not hide its finished run's suggestions.
    storedRun(fx, b, [], 'failed', model);

    let w = await call(h, 'worklist:get', { modelId: model.id, readerId: dr.id });
    expect(w.rows.map((r) => [r.seriesUid, r.runState, r.maxScore, r.suggestions])).toEqual([
      [b.uid, 'done', 0.8, 1],
      [a.uid, 'done', 0.4, 1],
      [c.uid, 'failed', null, 0],
      [d.uid, 'not-run', null, 0],
    ]);
    expect(rowOf(w, c).runId).toBe(failed);

    // Jobs of this process: the first starts at once, the rest wait. The worklist is read in the
    // same turn as the enqueue, before the worker can answer.
    const jobs = fx.ws.inference.enqueue([model.id], [d.uid, a.uid], { provider: 'cpu', stride: 128 });
    const pending = dispatch(h, 'worklist:get', { modelId: model.id, readerId: dr.id }) as Promise<
      Result<WorklistType>
    >;
    for (const j of jobs) fx.ws.inference.cancel(j.id);
    const during = await pending;
    await fx.ws.inference.whenIdle();
    if (!during.ok) throw new Error(during.error.message);
    expect(during.value.rows.map((r) => [r.seriesUid, r.runState])).toEqual([
      [b.uid, 'done'],
      [d.uid, 'running'],
      [a.uid, 'queued'],
      [c.uid, 'failed'],
    ]);
    // A queued re-run keeps the finished run's numbers.
    expect(rowOf(during.value, a)).toMatchObject({ maxScore: 0.4, suggestions: 1 });

    // The reader finishes b and flags c: read studies go last, flagged ones stay unread.
    await call(h, 'cases:set', { seriesUid: b.uid, readerId: dr.id, status: 'done' });
    await call(h, 'cases:set', { seriesUid: c.uid, readerId: dr.id, status: 'flagged' });
    w = await call(h, 'worklist:get', { modelId: model.id, readerId: dr.id, threshold: 0.5 });
    expect(w.rows.at(-1)).toMatchObject({ seriesUid: b.uid, status: 'done', suggestions: 1 });
    expect(rowOf(w, a).suggestions).toBe(0);
    expect(rowOf(w, c).status).toBe('flagged');
  }, 120_000);

  it('refuses an unknown model or reader', async () => {
    const model = await refused(h, 'worklist:get', { modelId: 999 });
    expect(model).toEqual({ code: 'not-found', message: 'no model 999 in this workspace' });
    const reader = await refused(h, 'worklist:get', { modelId: fx.model.id, readerId: 999 });
    expect(reader).toEqual({ code: 'not-found', message: 'no reader 999 in this workspace' });
    expect((await refused(h, 'worklist:get', { modelId: fx.model.id, threshold: 2 })).code).toBe(
      'invalid-input',
    );
  });
});

describe('auto-run', () => {
  let other: ModelSummary;

  beforeAll(async () => {
    ({ model: other } = await call(h, 'models:add', { path: TINY_MODEL, name: 'auto' }));
  });

  it('is off until set; an unknown model is refused', async () => {
    expect(await call(h, 'worklist:autorun-get', {})).toEqual({ modelId: null });
    const unknown = await refused(h, 'worklist:autorun-set', { modelId: 999 });
    expect(unknown.code).toBe('not-found');
    expect(unknown.message).toMatch(/no model 999/);
    expect(await call(h, 'worklist:autorun-get', {})).toEqual({ modelId: null });
  });

  it('queues the model on the series an import added, and nothing for an unchanged re-import', async () => {
    expect(await call(h, 'worklist:autorun-set', { modelId: other.id })).toEqual({ modelId: other.id });
    expect(await call(h, 'worklist:autorun-get', {})).toEqual({ modelId: other.id });
    const cohort = join(fx.root, 'more');
    await generateCohort({ outDir: cohort, patients: 1, seed: 99, slicesPerPatient: 10 });
    const before = fx.ws.inference.listJobs().length;
    const report = await call(h, 'catalog:import', { paths: [cohort] });
    expect(report.series).toHaveLength(1);
    const jobs = fx.ws.inference.listJobs().slice(before);
    for (const j of jobs) fx.ws.inference.cancel(j.id);
    await fx.ws.inference.whenIdle();
    expect(jobs.map((j) => [j.modelId, j.seriesUid])).toEqual([[other.id, report.series[0]!.seriesUid]]);

    const again = await call(h, 'catalog:import', { paths: [cohort] });
    expect(again.series).toEqual([]);
    expect(fx.ws.inference.listJobs()).toHaveLength(before + 1);
  }, 120_000);

  it('turns off when set to null, and reads as off when its model is gone', async () => {
    expect(await call(h, 'worklist:autorun-set', { modelId: null })).toEqual({ modelId: null });
    expect(await call(h, 'worklist:autorun-get', {})).toEqual({ modelId: null });
    // No channel removes a model yet; one removed from the database (it has no runs) must not break imports.
    const { model: gone } = await call(h, 'models:add', { path: TINY_MODEL, name: 'gone' });
    await call(h, 'worklist:autorun-set', { modelId: gone.id });
    fx.ws.db.prepare('DELETE FROM models WHERE id = ?').run(gone.id);
    expect(await call(h, 'worklist:autorun-get', {})).toEqual({ modelId: null });
    const cohort = join(fx.root, 'even-more');
    await generateCohort({ outDir: cohort, patients: 1, seed: 100, slicesPerPatient: 10 });
    const before = fx.ws.inference.listJobs().length;
    const report = await call(h, 'catalog:import', { paths: [cohort] });
    expect(report.series).toHaveLength(1);
    expect(fx.ws.inference.listJobs()).toHaveLength(before);
  }, 120_000);
});
