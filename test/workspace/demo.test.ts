import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/main/import/importPaths';
import { generateCohort } from '../../src/main/phantom';
import { copyReferenceToReader, REFERENCE_READER_NAME } from '../../src/main/reference/referenceReader';
import { createHandlers, dispatch, type Handlers } from '../../src/main/services/handlers';
import { DEMO_STARTED_KEY, ensureDemoWorkspace } from '../../src/main/workspace/demo';
import { DEMO_MODELS_KEY, ensureDemoModels } from '../../src/main/workspace/demoModels';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import type { CatalogTree } from '../../src/shared/catalog/schemas';
import type { SeriesUid } from '../../src/shared/ids';
import type { SeriesReference } from '../../src/shared/reference/schemas';
import { tempDir } from '../import/fixtures';

let ws: Workspace;
let handlers: Handlers;

beforeAll(async () => {
  ws = openWorkspace(join(tempDir('dvt-demo-'), 'ws'));
  expect(await ensureDemoWorkspace(ws)).toBe(true);
  handlers = createHandlers(ws);
}, 180_000);
afterAll(() => ws.close());

describe('demo workspace', () => {
  it('holds the synthetic cohort, marked synthetic', async () => {
    const info = await handlers['workspace:info']({});
    expect(info).toMatchObject({
      demo: true,
      synthetic: true,
      counts: { patients: 10, series: 10, instances: 600 },
    });
  });

  it('registers the demo models and queues a run of each on every series, once', async () => {
    const dir = join(tempDir('dvt-demo-models-'), 'models');
    mkdirSync(dir);
    for (const f of ['tiny-tv-raw-3slice.onnx', 'tiny-tv-raw-3slice.json']) {
      copyFileSync(resolve('test/fixtures/models', f), join(dir, f));
    }
    const { registered, jobs } = await ensureDemoModels(ws, dir);
    expect(registered).toEqual(['tiny-tv-raw-3slice']);
    expect(jobs).toHaveLength(10);
    expect(new Set(jobs.map((j) => j.seriesUid)).size).toBe(10);
    // The runs themselves are the inference engine's business (tested there): stop them here.
    for (const j of jobs) ws.inference.cancel(j.id);
    await ws.inference.whenIdle();
    expect(ws.catalog.getMeta(DEMO_MODELS_KEY)).toBeDefined();
    expect(await ensureDemoModels(ws, dir)).toEqual({ registered: [], jobs: [] });
  });

  it('copies the known thrombi to the reader "reference", once', async () => {
    const readers = await handlers['readers:list']({});
    const reference = readers.find((r) => r.name === REFERENCE_READER_NAME);
    expect(reference).toBeDefined();
    let copied = 0;
    let expected = 0;
    for (const uid of ws.catalog.allSeriesUids()) {
      const ref = await handlers['series:reference']({ seriesUid: uid as SeriesUid });
      const boxes = (await handlers['annotations:list']({ seriesUid: uid as SeriesUid })).filter(
        (b) => b.readerId === reference?.id,
      );
      const dvt = ref.boxes.filter((b) => b.kind === 'DVT');
      expected += dvt.length;
      copied += boxes.length;
      expect(boxes.map((b) => [b.sopInstanceUid, b.label, b.box]).sort()).toEqual(
        dvt.map((b) => [b.sopInstanceUid, 'DVT', b.box]).sort(),
      );
    }
    expect(copied).toBe(expected);
    expect(expected).toBeGreaterThan(0);
    // Again: nothing added (the series already have the reader's boxes).
    expect(copyReferenceToReader(ws)).toMatchObject({ series: 0, boxes: 0, skipped: 5 });
  });

  it('is made once, never over existing data', async () => {
    expect(await ensureDemoWorkspace(ws)).toBe(false);
    expect(ws.catalog.counts().instances).toBe(600);
  });

  it('carries the ground truth: thrombi inside veins in half of the patients', async () => {
    const tree = (await dispatch(handlers, 'catalog:tree', {})) as { ok: true; value: CatalogTree };
    const series = tree.value.patients.flatMap((p) => p.studies.flatMap((s) => s.series));
    const refs = await Promise.all(
      series.map((s) => handlers['series:reference']({ seriesUid: s.seriesUid })),
    );
    expect(refs.filter((r: SeriesReference) => r.hasDvt).length).toBe(5);
    for (const ref of refs) {
      const dvt = ref.boxes.filter((b) => b.kind === 'DVT');
      expect(dvt.length > 0).toBe(ref.hasDvt);
      expect(ref.boxes.some((b) => b.kind === 'mixing_artifact' || b.kind === 'lymph_node')).toBe(true);
      for (const d of dvt) {
        const veins = ref.boxes.filter((b) => b.kind === 'vein' && b.sliceIndex === d.sliceIndex);
        expect(
          veins.some(
            (v) =>
              v.box.x1 <= d.box.x1 && v.box.y1 <= d.box.y1 && v.box.x2 >= d.box.x2 && v.box.y2 >= d.box.y2,
          ),
        ).toBe(true);
      }
    }
  });

  it('shows thrombi darker than the enhanced vein around them', async () => {
    const tree = await handlers['catalog:tree']({});
    const series = tree.patients.flatMap((p) => p.studies.flatMap((s) => s.series));
    for (const s of series) {
      const ref = await handlers['series:reference']({ seriesUid: s.seriesUid });
      const d = ref.boxes.find((b) => b.kind === 'DVT');
      if (!d) continue;
      const slice = await handlers['series:slice']({ seriesUid: s.seriesUid, index: d.sliceIndex });
      const cx = Math.floor((d.box.x1 + d.box.x2) / 2);
      const cy = Math.floor((d.box.y1 + d.box.y2) / 2);
      // Mean of a 3×3 patch at the thrombus centre: a hypodense filling defect (about 20–60 HU, plus noise).
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) sum += slice.hu[(cy + dy) * slice.cols + cx + dx] ?? NaN;
      expect(sum / 9).toBeGreaterThan(0);
      expect(sum / 9).toBeLessThan(90);
    }
  });
});

describe('an unfinished demo', () => {
  /** A workspace holding a small imported cohort (2 patients × 10 slices, with its ground truth). */
  async function workspaceWithData(): Promise<Workspace> {
    const root = tempDir('dvt-demo-retry-');
    const cohortDir = join(root, 'cohort');
    await generateCohort({ outDir: cohortDir, patients: 2, seed: 77, slicesPerPatient: 10 });
    const w = openWorkspace(join(root, 'ws'));
    const report = await importPaths(w.catalog, [cohortDir]);
    expect(report.errors).toEqual([]);
    expect(w.catalog.counts().instances).toBe(20);
    return w;
  }

  const referenceSeries = (w: Workspace): number =>
    (w.db.prepare('SELECT COUNT(*) AS n FROM reference_patients').get() as { n: number }).n;

  it('is discarded and made again on the next start', async () => {
    // What a first start leaves when it fails after the import: rows, the start mark, no 'demo' flag.
    const w = await workspaceWithData();
    try {
      w.catalog.setMeta(DEMO_STARTED_KEY, '2026-01-01T00:00:00.000Z');
      expect(await ensureDemoWorkspace(w)).toBe(true);
      expect(w.catalog.counts()).toEqual({ patients: 10, studies: 10, series: 10, instances: 600 });
      expect(referenceSeries(w)).toBe(10);
      expect(w.isDemo()).toBe(true);
      // Finished now: a further start leaves it alone.
      expect(await ensureDemoWorkspace(w)).toBe(false);
      expect(w.catalog.counts().instances).toBe(600);
    } finally {
      await w.close();
    }
  }, 180_000);

  it('is never assumed where data came without the start mark (the user imported it)', async () => {
    const w = await workspaceWithData();
    try {
      expect(await ensureDemoWorkspace(w)).toBe(false);
      expect(w.catalog.counts().instances).toBe(20);
      expect(referenceSeries(w)).toBe(2);
      expect(w.catalog.getMeta(DEMO_STARTED_KEY)).toBeUndefined();
    } finally {
      await w.close();
    }
  }, 60_000);
});
