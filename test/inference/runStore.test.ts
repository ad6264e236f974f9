import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/main/db/database';
import { ModelStore } from '../../src/main/model/modelStore';
import { RunStore } from '../../src/main/inference/runStore';
import { RunParams } from '../../src/shared/inference/schemas';
import { parsedManifest, torchvisionRawManifest } from '../model/manifests';

let dir: string;
let db: Db;
let modelId: number;
const SERIES = '1.2.3.4';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dvt-runs-'));
  db = openDatabase(join(dir, 'workspace.sqlite'));
  const manifest = parsedManifest(torchvisionRawManifest());
  modelId = new ModelStore(db).insert({
    name: manifest.name,
    sha256: 'ab'.repeat(32),
    filePath: join(dir, 'm.onnx'),
    fileSize: 10,
    sourcePath: '/src/m.onnx',
    manifestJson: JSON.stringify(manifest),
    graphJson: JSON.stringify({ fixedBatch: null }),
    addedAt: '2026-11-27T00:00:00.000Z',
  }).summary.id;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const newRun = (store: RunStore) =>
  store.create({
    modelId,
    modelName: 'tv-raw',
    modelSha256: 'ab'.repeat(32),
    seriesUid: SERIES,
    providerRequested: 'auto',
    params: RunParams.parse({}),
    sliceCount: 3,
    startedAt: '2026-11-27T10:00:00.000Z',
  });

describe('RunStore', () => {
  it('keeps runs side by side, each with its slices, timing and predictions', () => {
    const store = new RunStore(db);
    const a = newRun(store);
    const b = newRun(store);
    store.setProvider(a, 'cpu', ['webgpu: Failed to get a WebGPU adapter: No supported adapters']);
    store.addSlice(a, {
      sliceIndex: 0,
      sopUid: '1.2.3.4.1',
      tiles: 4,
      ms: 100,
      predictions: [
        { label: 'DVT', score: 0.9, box: { space: 'dicom-pixel', x1: 10, y1: 20, x2: 30, y2: 40 } },
        { label: 'DVT', score: 0.07, box: { space: 'dicom-pixel', x1: 50, y1: 60, x2: 70, y2: 80 } },
      ],
    });
    store.addSlice(a, { sliceIndex: 1, sopUid: '1.2.3.4.2', tiles: 4, ms: 300, predictions: [] });
    store.finish(a, 'done', '2026-11-27T10:01:00.000Z');

    const run = store.get(a);
    expect(run).toMatchObject({
      status: 'done',
      providerUsed: 'cpu',
      slicesDone: 2,
      tileCount: 8,
      msPerSlice: 200,
      predictionCount: 2,
      finishedAt: '2026-11-27T10:01:00.000Z',
    });
    expect(run?.providerNotes[0]).toMatch(/webgpu/);
    expect(store.list({ seriesUid: SERIES }).map((r) => r.id)).toEqual([a, b]);
    expect(store.predictions(a, { minScore: 0.1 })).toEqual([
      {
        runId: a,
        sliceIndex: 0,
        sopInstanceUid: '1.2.3.4.1',
        label: 'DVT',
        score: 0.9,
        box: { space: 'dicom-pixel', x1: 10, y1: 20, x2: 30, y2: 40 },
      },
    ]);
    expect(store.predictions(a, { sliceIndex: 1 })).toEqual([]);
    expect(store.predictions(b)).toEqual([]);
  });

  it('refuses to delete a running run and deletes a finished one with its predictions', () => {
    const store = new RunStore(db);
    const a = newRun(store);
    expect(store.delete(a)).toBe(false);
    store.finish(a, 'cancelled', '2026-11-27T10:01:00.000Z');
    expect(store.delete(a)).toBe(true);
    expect(store.get(a)).toBeNull();
  });

  it('marks runs of ended processes interrupted on the next open, and leaves live ones alone', () => {
    const store = new RunStore(db);
    const mine = newRun(store);
    const dead = newRun(store);
    const live = newRun(store);
    // A pid that cannot exist (above Linux's pid_max), and this test runner's parent, which is alive.
    db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(2 ** 30, dead);
    db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(process.ppid, live);
    expect(store.markInterrupted('2026-11-27T11:00:00.000Z')).toBe(2);
    expect(store.get(mine)?.status).toBe('interrupted');
    expect(store.get(dead)?.status).toBe('interrupted');
    expect(store.get(live)?.status).toBe('running');
  });

  it('keeps predictions inside the constraints of the table', () => {
    const store = new RunStore(db);
    const a = newRun(store);
    const bad = {
      label: 'DVT',
      score: 0.5,
      box: { space: 'dicom-pixel', x1: 30, y1: 20, x2: 10, y2: 40 },
    } as const;
    expect(() =>
      store.addSlice(a, { sliceIndex: 0, sopUid: 'x', tiles: 1, ms: 1, predictions: [bad] }),
    ).toThrow(/CHECK/);
    // The slice's transaction rolled back as a whole.
    expect(store.get(a)).toMatchObject({ slicesDone: 0, tileCount: 0 });
  });
});
