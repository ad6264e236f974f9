// Registering models and running them on a real imported series, through the IPC channels (so the
// contract's validation runs), the worker thread, onnxruntime-node and SQLite.
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/main/io/sha256';
import { tilesPerSlice } from '../../src/main/inference/runSeries';
import type { Handlers } from '../../src/main/services/handlers';
import type { ModelId } from '../../src/shared/ids';
import type { Job, ModelSummary, Prediction } from '../../src/shared/inference/schemas';
import {
  annotationWorkspace,
  call,
  refused,
  type AnnotationFixture,
  type FixtureSeries,
} from '../annotation/fixture';
import { modelProto, node, valueInfo } from '../model/protobuf';

const MODELS = resolve('test/fixtures/models');
let fx: AnnotationFixture;
let h: Handlers;
let series: FixtureSeries;
const registered: Record<string, ModelSummary> = {};

beforeAll(async () => {
  fx = await annotationWorkspace(2, 10);
  h = fx.handlers;
  series = fx.series[0]!;
}, 120_000);
afterAll(async () => {
  await fx.ws.close();
  rmSync(fx.root, { recursive: true, force: true });
});

/** A copy of a fixture model (and optionally a sidecar) in the test folder. */
function copyModel(from: string, to: string, sidecar?: unknown): string {
  const path = join(fx.root, `${to}.onnx`);
  copyFileSync(join(MODELS, `${from}.onnx`), path);
  if (sidecar !== undefined) {
    writeFileSync(
      join(fx.root, `${to}.json`),
      typeof sidecar === 'string' ? sidecar : JSON.stringify(sidecar),
    );
  }
  return path;
}
const fixtureManifest = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(MODELS, `${name}.json`), 'utf8')) as Record<string, unknown>;

async function runToEnd(modelIds: ModelId[], params: object = {}): Promise<Job[]> {
  const jobs = await call(h, 'inference:start', { modelIds, seriesUids: [series.uid], params });
  await fx.ws.inference.whenIdle();
  const all = await call(h, 'inference:jobs', {});
  return jobs.map((j) => all.find((x) => x.id === j.id)!);
}

describe('models:add', () => {
  it('registers models of every layout, from a sidecar or the embedded manifest', async () => {
    for (const name of ['tiny-tv-raw-3slice', 'tiny-tv-raw-1slice', 'tiny-tv-post', 'tiny-keras-raw']) {
      const path = join(MODELS, `${name}.onnx`);
      const { model, alreadyRegistered } = await call(h, 'models:add', { path });
      expect(alreadyRegistered).toBe(false);
      expect(model.name).toBe(name);
      expect(model.sha256).toBe(sha256(readFileSync(path)));
      expect(model.sourcePath).toBe(path);
      // The workspace keeps its own copy, named by content.
      expect(existsSync(join(fx.wsDir, 'models', `${model.sha256}.onnx`))).toBe(true);
      registered[name] = model;
    }
    expect(registered['tiny-tv-raw-1slice']?.manifest.input.slices).toBe(1);
    expect(registered['tiny-tv-post']?.fixedBatch).toBe(2);
    expect(registered['tiny-tv-raw-3slice']?.fixedBatch).toBeNull();
    expect((await call(h, 'models:list', {})).map((m) => m.name)).toEqual([
      'tiny-keras-raw',
      'tiny-tv-post',
      'tiny-tv-raw-1slice',
      'tiny-tv-raw-3slice',
    ]);
  });

  it('registers the same file twice as one model, and under another name on request', async () => {
    const path = join(MODELS, 'tiny-tv-raw-3slice.onnx');
    const again = await call(h, 'models:add', { path });
    expect(again.alreadyRegistered).toBe(true);
    expect(again.model.id).toBe(registered['tiny-tv-raw-3slice']?.id);
    const renamed = await call(h, 'models:add', { path, name: 'tv-raw-copy' });
    expect(renamed.model.name).toBe('tv-raw-copy');
    expect(renamed.model.sha256).toBe(again.model.sha256);
  });

  it('refuses wrong or broken models with the file and the reason, storing nothing', async () => {
    const before = await call(h, 'models:list', {});
    const manifest = fixtureManifest('tiny-tv-raw-3slice');
    const notOnnx = join(fx.root, 'notes.onnx');
    writeFileSync(notOnnx, 'this is not a model');
    writeFileSync(join(fx.root, 'notes.json'), JSON.stringify({ ...manifest, name: 'notes' }));
    const truncated = join(fx.root, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(join(MODELS, 'tiny-tv-raw-3slice.onnx')).subarray(0, 40_000));
    writeFileSync(join(fx.root, 'truncated.json'), JSON.stringify({ ...manifest, name: 'truncated' }));
    const unknownOp = join(fx.root, 'unknown-op.onnx');
    writeFileSync(
      unknownOp,
      modelProto([
        ...node(['images'], ['cls_logits', 'bbox_regression'], 'NoSuchOperator'),
        ...valueInfo(11, 'images', 1, ['N', 3, 128, 128]),
        ...valueInfo(12, 'cls_logits', 1, ['N', 3069, 1]),
        ...valueInfo(12, 'bbox_regression', 1, ['N', 3069, 4]),
      ]),
    );
    writeFileSync(join(fx.root, 'unknown-op.json'), JSON.stringify({ ...manifest, name: 'unknown-op' }));

    const cases: [string, RegExp][] = [
      [join(fx.root, 'missing.onnx'), /missing\.onnx: cannot read the model \(ENOENT/],
      [notOnnx, /notes\.onnx: not an ONNX model/],
      [truncated, /truncated\.onnx: not an ONNX model/],
      [
        copyModel('tiny-tv-post', 'no-manifest'),
        /no-manifest\.onnx: no manifest \(neither no-manifest\.json/,
      ],
      [
        copyModel('tiny-tv-raw-3slice', 'bad-json', '{ "schemaVersion": 1,'),
        /bad-json\.json: not valid JSON/,
      ],
      [
        copyModel('tiny-tv-raw-3slice', 'wrong-size', {
          ...manifest,
          name: 'wrong-size',
          input: { ...(manifest['input'] as object), size: 256 },
        }),
        /wrong-size\.onnx: the graph does not match its manifest: .*3 channels of 256×256/,
      ],
      [
        copyModel('tiny-tv-raw-3slice', 'wrong-layout', {
          ...manifest,
          name: 'wrong-layout',
          output: { kind: 'keras-retinanet-raw', regression: 'regression', classification: 'classification' },
        }),
        /the graph has no output "regression"/,
      ],
      [
        copyModel('tiny-tv-raw-1slice', 'name-taken', { ...manifest, name: 'tiny-tv-raw-3slice' }),
        /a different model named "tiny-tv-raw-3slice" is already registered/,
      ],
      [unknownOp, /unknown-op\.onnx: onnxruntime cannot load it: .*NoSuchOperator/],
    ];
    for (const [path, reason] of cases) {
      const error = await refused(h, 'models:add', { path });
      expect(error.code, path).toBe('invalid-input');
      expect(error.message).toMatch(reason);
      expect(error.message).toContain(path.replace(/\.onnx$/, ''));
    }
    expect(await refused(h, 'models:add', { path: 'relative/model.onnx' })).toMatchObject({
      code: 'invalid-input',
    });
    expect(await call(h, 'models:list', {})).toEqual(before);
  });
});

describe('inference jobs', () => {
  it('runs a model over a series, falling back from WebGPU to the CPU with the reason kept', async () => {
    const model = registered['tiny-tv-raw-3slice']!;
    const [job] = await runToEnd([model.id], { provider: 'webgpu', batchSize: 7 });
    expect(job).toMatchObject({ state: 'done', providerUsed: 'cpu', slicesDone: 10, sliceCount: 10 });
    expect(job?.providerNotes.join('\n')).toMatch(/^webgpu: /);

    const runs = await call(h, 'runs:list', { seriesUid: series.uid });
    const run = runs.find((r) => r.id === job?.runId)!;
    const geometry = fx.ws.catalog.series(series.uid)!;
    const tiles = tilesPerSlice(
      model.manifest,
      {
        rows: geometry.rows,
        cols: geometry.cols,
        rowSpacing: geometry.row_spacing!,
        colSpacing: geometry.col_spacing!,
        sopUids: series.sops,
      },
      96,
    );
    expect(run).toMatchObject({
      status: 'done',
      modelName: model.name,
      modelSha256: model.sha256,
      providerRequested: 'webgpu',
      providerUsed: 'cpu',
      sliceCount: 10,
      slicesDone: 10,
      tileCount: tiles * 10,
      params: { batchSize: 7, stride: 96, provider: 'webgpu' },
      error: null,
    });
    expect(run.msPerSlice).toBeGreaterThan(0);
    expect(run.finishedAt).not.toBeNull();

    const predictions = await call(h, 'runs:predictions', { runId: run.id });
    expect(predictions.length).toBe(run.predictionCount);
    expect(predictions.length).toBeGreaterThan(0);
    for (const p of predictions) {
      expect(p.sopInstanceUid).toBe(series.sops[p.sliceIndex]);
      expect(p.label).toBe('DVT');
      expect(p.score).toBeGreaterThanOrEqual(model.manifest.postprocess.scoreThreshold);
      expect(p.box.x1).toBeGreaterThanOrEqual(0);
      expect(p.box.y1).toBeGreaterThanOrEqual(0);
      expect(p.box.x2).toBeLessThanOrEqual(series.cols);
      expect(p.box.y2).toBeLessThanOrEqual(series.rows);
    }
    const minScore = 0.1;
    const slice = predictions[0]!.sliceIndex;
    expect(await call(h, 'runs:predictions', { runId: run.id, sliceIndex: slice, minScore })).toEqual(
      predictions.filter((p) => p.sliceIndex === slice && p.score >= minScore),
    );
  });

  it('keeps a re-run beside the first, and decodes raw heads as the postprocessed graph does', async () => {
    const raw = registered['tiny-tv-raw-3slice']!;
    const post = registered['tiny-tv-post']!;
    const jobs = await runToEnd([raw.id, post.id], { provider: 'cpu' });
    expect(jobs.map((j) => j.state)).toEqual(['done', 'done']);
    const runs = (await call(h, 'runs:list', { seriesUid: series.uid })).filter((r) => r.modelId === raw.id);
    expect(runs.length).toBe(2);

    // Same weights: our decoding of the raw heads and torchvision's own postprocessing (a graph with
    // a batch frozen at 2, so batches are padded) give the same boxes on every slice.
    const rawPreds = await call(h, 'runs:predictions', { runId: jobs[0]!.runId! });
    const postPreds = await call(h, 'runs:predictions', { runId: jobs[1]!.runId! });
    expect(postPreds.length).toBe(rawPreds.length);
    // Matched one to one (equal scores may be listed in either order).
    const distance = (p: Prediction, q: Prediction): number =>
      p.sliceIndex !== q.sliceIndex
        ? Infinity
        : Math.max(
            Math.abs(q.score - p.score) * 100,
            ...(['x1', 'y1', 'x2', 'y2'] as const).map((c) => Math.abs(q.box[c] - p.box[c])),
          );
    const unmatched = new Map<number, Prediction[]>();
    for (const q of postPreds) unmatched.set(q.sliceIndex, [...(unmatched.get(q.sliceIndex) ?? []), q]);
    let worst = 0;
    for (const p of rawPreds) {
      const candidates = unmatched.get(p.sliceIndex) ?? [];
      const best = candidates.reduce((b, q, i) => (distance(p, q) < distance(p, candidates[b]!) ? i : b), 0);
      worst = Math.max(worst, candidates[best] ? distance(p, candidates[best]) : Infinity);
      candidates.splice(best, 1);
    }
    expect(worst).toBeLessThan(1e-2);
  });

  it('runs 1-slice and keras-layout models too', async () => {
    const jobs = await runToEnd([registered['tiny-tv-raw-1slice']!.id, registered['tiny-keras-raw']!.id], {
      provider: 'cpu',
      stride: 128,
    });
    expect(jobs.map((j) => [j.state, j.error])).toEqual([
      ['done', null],
      ['done', null],
    ]);
  });

  it('skips tiles that are black under the window when asked, and says so in the run', async () => {
    const model = registered['tiny-tv-raw-3slice']!;
    const [all] = await runToEnd([model.id], { provider: 'cpu', stride: 128 });
    const [some] = await runToEnd([model.id], { provider: 'cpu', stride: 128, skipEmptyTiles: true });
    const runs = await call(h, 'runs:list', { seriesUid: series.uid });
    const full = runs.find((r) => r.id === all!.runId)!;
    const skipped = runs.find((r) => r.id === some!.runId)!;
    expect(skipped).toMatchObject({ status: 'done', slicesDone: 10, params: { skipEmptyTiles: true } });
    expect(full.params.skipEmptyTiles).toBe(false);
    // The phantom's body leaves air around it: corner tiles are black under the 140/400 window.
    expect(skipped.tileCount).toBeLessThan(full.tileCount);
    expect(skipped.tileCount).toBeGreaterThan(0);
    expect(skipped.predictionCount).toBeGreaterThan(0);
  });

  it('cancels a queued job at once and a running one after its current batch', async () => {
    const model = registered['tiny-tv-raw-3slice']!;
    const firstSlice = new Promise<void>((resolveSlice) => {
      const off = fx.ws.inference.subscribe((j) => {
        if (j.slicesDone >= 1) {
          off();
          resolveSlice();
        }
      });
    });
    const [running, queued] = await call(h, 'inference:start', {
      modelIds: [model.id],
      seriesUids: [series.uid, fx.series[1]!.uid],
      params: { provider: 'cpu', batchSize: 1 },
    });
    expect(await call(h, 'inference:cancel', { jobId: queued!.id })).toEqual({ cancelled: true });
    await firstSlice;
    expect(await call(h, 'inference:cancel', { jobId: running!.id })).toEqual({ cancelled: true });
    await fx.ws.inference.whenIdle();
    const jobs = await call(h, 'inference:jobs', {});
    expect(jobs.find((j) => j.id === queued!.id)).toMatchObject({ state: 'cancelled', runId: null });
    const stopped = jobs.find((j) => j.id === running!.id)!;
    expect(stopped.state).toBe('cancelled');
    const run = (await call(h, 'runs:list', {})).find((r) => r.id === stopped.runId)!;
    expect(run.status).toBe('cancelled');
    expect(run.slicesDone).toBeGreaterThanOrEqual(1);
    expect(run.slicesDone).toBeLessThan(10);
    expect(await call(h, 'inference:cancel', { jobId: running!.id })).toEqual({ cancelled: false });
  });

  it('refuses unknown models and series, and a stride wider than the patch', async () => {
    const id = registered['tiny-tv-raw-3slice']!.id;
    expect(await refused(h, 'inference:start', { modelIds: [9999], seriesUids: [series.uid] })).toMatchObject(
      { code: 'not-found' },
    );
    expect(await refused(h, 'inference:start', { modelIds: [id], seriesUids: ['1.2.3'] })).toMatchObject({
      code: 'not-found',
    });
    expect(
      await refused(h, 'inference:start', {
        modelIds: [id],
        seriesUids: [series.uid],
        params: { stride: 200 },
      }),
    ).toMatchObject({ code: 'invalid-input' });
    expect(
      (
        await refused(h, 'inference:start', {
          modelIds: [id],
          seriesUids: [series.uid],
          params: { stride: 200 },
        })
      ).message,
    ).toMatch(/stride 200 is larger/);
    expect(
      await refused(h, 'inference:start', {
        modelIds: [id],
        seriesUids: [series.uid],
        params: { gpu: true },
      }),
    ).toMatchObject({ code: 'invalid-input' });
  });

  it('fails a run whose slice changed on disk, naming the file, and keeps what was stored', async () => {
    const other = fx.series[1]!;
    const inst = fx.ws.catalog.instancesOfSeries(other.uid)[3]!;
    const original = readFileSync(inst.file_path);
    const changed = Buffer.from(original);
    changed[changed.length - 1] = (changed[changed.length - 1]! + 1) % 256;
    writeFileSync(inst.file_path, changed);
    try {
      const [job] = await call(h, 'inference:start', {
        modelIds: [registered['tiny-tv-raw-3slice']!.id],
        seriesUids: [other.uid],
        params: { provider: 'cpu' },
      });
      await fx.ws.inference.whenIdle();
      const run = (await call(h, 'runs:list', { seriesUid: other.uid })).find(
        (r) => r.id === fx.ws.inference.listJobs().find((j) => j.id === job!.id)?.runId,
      )!;
      expect(run.status).toBe('failed');
      expect(run.error).toContain(inst.file_path);
      expect(run.error).toMatch(/changed on disk/);
      expect(run.slicesDone).toBeLessThan(10);
    } finally {
      writeFileSync(inst.file_path, original);
    }
    // Earlier runs are untouched.
    expect((await call(h, 'runs:list', { seriesUid: series.uid })).every((r) => r.status !== 'failed')).toBe(
      true,
    );
  });
});
