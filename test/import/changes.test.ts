import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/main/import/importPaths';
import { createHandlers, dispatch } from '../../src/main/services/handlers';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import type { ImportReport } from '../../src/shared/catalog/schemas';
import { axialSeries, hasPydicom, tempDir, writeSeries, type SeriesSpec } from './fixtures';

let dir: string;
let ws: Workspace;
beforeEach(() => {
  dir = tempDir('dvt-changes-');
  ws = openWorkspace(join(dir, 'ws'));
});
afterEach(async () => {
  await ws.close();
  rmSync(dir, { recursive: true, force: true });
});

const swap = (a: string, b: string): void => {
  const bytesA = readFileSync(a);
  writeFileSync(a, readFileSync(b));
  writeFileSync(b, bytesA);
};

describe.skipIf(!hasPydicom())('files that change between imports', () => {
  let data: string;
  let spec: SeriesSpec;
  const file = (i: number): string => join(data, spec.slices[i]?.file ?? '');
  beforeEach(async () => {
    data = join(dir, 'data');
    spec = axialSeries('20', 6);
    writeSeries(data, [spec]);
    await importPaths(ws.catalog, [data]);
  });

  it('re-reads two files that swapped contents, without calling them duplicates', async () => {
    swap(file(0), file(5));
    const report = await importPaths(ws.catalog, [data]);
    expect(report.errors).toEqual([]);
    expect(report.files).toEqual({ added: 0, unchanged: 4, changed: 2, failed: 0 });
    expect(ws.catalog.instanceBySop(spec.slices[0]?.sop ?? '')?.file_path).toBe(file(5));
    expect(ws.catalog.instanceBySop(spec.slices[5]?.sop ?? '')?.file_path).toBe(file(0));
    // Slice 0 (most cranial) still shows slice 0's pixels, now read from the other file.
    const slice = await ws.series.slice(spec.seriesUid, 0);
    expect(slice.hu[0]).toBe(1000 - 1024);
  });

  it('refuses to show pixels from a file whose content changed since the import', async () => {
    swap(file(0), file(5));
    await expect(ws.series.slice(spec.seriesUid, 0)).rejects.toThrow(/changed on disk since it was imported/);
    await expect(ws.series.volume(spec.seriesUid)).rejects.toThrow(/changed on disk/);
  });

  it('removes the entry of a file whose new content cannot be imported', async () => {
    writeFileSync(file(2), 'no longer DICOM');
    const report = await importPaths(ws.catalog, [data]);
    expect(report.errors).toEqual([
      {
        file: file(2),
        reason: expect.stringMatching(/not a DICOM file.*earlier version was removed/i) as string,
      },
    ]);
    expect(report.series[0]?.slices).toBe(5);
    expect(ws.catalog.instanceByPath(file(2))).toBeUndefined();
    expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('follows symbolic links once, so a link loop does not multiply files', async () => {
    symlinkSync('.', join(data, '20', 'self'));
    symlinkSync(join(data, '20'), join(dir, 'link-to-series'));
    const report = await importPaths(ws.catalog, [data, join(dir, 'link-to-series')]);
    expect(report.errors).toEqual([]);
    expect(report.files).toEqual({ added: 0, unchanged: 6, changed: 0, failed: 0 });
  });

  it('runs overlapping imports one after the other', async () => {
    const more = join(dir, 'more');
    writeSeries(more, [axialSeries('21', 30)]);
    const single = join(dir, 'single');
    mkdirSync(single);
    copyFileSync(join(more, axialSeries('21', 30).slices[0]?.file ?? ''), join(single, 'one.dcm'));
    const handlers = createHandlers(ws);
    const [big, small] = (await Promise.all([
      dispatch(handlers, 'catalog:import', { paths: [more] }),
      dispatch(handlers, 'catalog:import', { paths: [single] }),
    ])) as { ok: true; value: ImportReport }[];
    expect(big?.ok && big.value.files.added).toBe(30);
    // The second import ran after the first: its one file is a copy of an imported slice.
    expect(small?.ok && small.value.errors[0]?.reason).toMatch(/duplicate SOPInstanceUID/);
    expect(ws.catalog.counts().instances).toBe(36);
  });

  it('refuses relative paths from the renderer', async () => {
    const r = await dispatch(createHandlers(ws), 'catalog:import', { paths: ['data'] });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/absolute path/) as string },
    });
  });
});

describe.skipIf(!hasPydicom())('files under readers’ boxes', () => {
  it('keep their entry and their boxes when their content changes to another slice', async () => {
    const data = join(dir, 'data');
    const spec = axialSeries('22', 4);
    writeSeries(data, [spec]);
    await importPaths(ws.catalog, [data]);
    const handlers = createHandlers(ws);
    const reader = await handlers['readers:add']({ name: 'Reader A' });
    const sop = spec.slices[1]?.sop ?? '';
    const [box] = await handlers['annotations:create']({
      seriesUid: spec.seriesUid as never,
      readerId: reader.id,
      boxes: [
        {
          sopInstanceUid: sop as never,
          label: 'DVT',
          box: { space: 'dicom-pixel', x1: 1, y1: 1, x2: 3, y2: 3 },
        },
      ],
    });
    // The annotated slice's file now holds other content (another SOP instance), and another file is junk.
    const annotated = join(data, spec.slices[1]?.file ?? '');
    const other = axialSeries('23', 1);
    other.slices = other.slices.map((s) => ({ ...s, file: 'elsewhere.dcm' }));
    writeSeries(dir, [other]);
    writeFileSync(annotated, readFileSync(join(dir, 'elsewhere.dcm')));
    const report = await importPaths(ws.catalog, [data]);
    expect(report.errors).toEqual([
      {
        file: annotated,
        reason: expect.stringMatching(
          /content changed, but 1 annotation box\(es\) are drawn on its slice .* entry is kept/,
        ) as string,
      },
    ]);
    expect(ws.catalog.instanceBySop(sop)?.file_path).toBe(annotated);
    const boxes = await handlers['annotations:list']({ seriesUid: spec.seriesUid as never });
    expect(boxes.map((b) => b.id)).toEqual([box?.id]);
    expect(ws.db.pragma('foreign_key_check')).toEqual([]);
  });
});
