// Readers' reading work keeps its series in the catalog, as boxes and case states do: a re-import
// that empties a series (its files now hold something else) must neither drop the series under the
// reading events and decisions that name it nor fail on their foreign keys.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/main/import/importPaths';
import { createHandlers } from '../../src/main/services/handlers';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import type { SeriesUid } from '../../src/shared/ids';
import { call } from '../annotation/fixture';
import { axialSeries, hasPydicom, tempDir, writeSeries } from '../import/fixtures';

let dir: string;
let ws: Workspace;
beforeEach(() => {
  dir = tempDir('dvt-reading-changes-');
  ws = openWorkspace(join(dir, 'ws'));
});
afterEach(async () => {
  await ws.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasPydicom())('a series emptied by a re-import', () => {
  it('stays while reading events name it', async () => {
    const data = join(dir, 'data');
    const spec = axialSeries('31', 3);
    writeSeries(data, [spec]);
    await importPaths(ws.catalog, [data]);
    const h = createHandlers(ws);
    const reader = await call(h, 'readers:add', { name: 'R' });
    const seriesUid = spec.seriesUid as SeriesUid;
    await call(h, 'reading:event', { seriesUid, readerId: reader.id, kind: 'open', suggestionsShown: false });
    for (const s of spec.slices) writeFileSync(join(data, s.file), 'no longer DICOM');
    const report = await call(h, 'catalog:import', { paths: [data] });
    expect(report.errors).toHaveLength(3);
    expect(ws.catalog.series(seriesUid)).toBeDefined();
    expect(ws.catalog.countSlices(seriesUid)).toBe(0);
    expect(await call(h, 'reading:times', {})).toHaveLength(1);
    expect(ws.db.pragma('foreign_key_check')).toEqual([]);
  });
});
