import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, dispatch, type Handlers } from '../../src/main/services/handlers';
import { ensureDemoWorkspace } from '../../src/main/workspace/demo';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import type { CatalogTree } from '../../src/shared/catalog/schemas';
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
