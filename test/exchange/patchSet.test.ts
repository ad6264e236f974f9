// A patch set written from a real imported phantom cohort, checked against the inference engine's
// preprocessing computed here independently: every PNG is the windowed resampled slice cut at its
// origin, 3-slice channels are the neighbours, boxes map back to the reference truth, npy holds the
// resampled HU. The set is de-identified (pseudonym UIDs and IDs) to check that pixels are still
// read through the caller's mapping and that nothing identifying reaches file names.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRow, SeriesRow } from '../../src/main/catalog/catalogStore';
import { writePatchSet, type PatchSetOptions } from '../../src/main/exchange/patches/writePatchSet';
import { importPaths } from '../../src/main/import/importPaths';
import { generateCohort } from '../../src/main/phantom';
import { seriesReference } from '../../src/main/reference/referenceStore';
import { readInstanceHu } from '../../src/main/series/instancePixels';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import { AnnotationSet, type SetBox } from '../../src/shared/exchange/annotationSet';
import { PatchSetManifest, type PatchEntry } from '../../src/shared/exchange/patchManifest';
import { neighbourIndices } from '../../src/shared/imaging/threeSlice';
import { resampleBilinear, resampleScale, windowPlane } from '../../src/shared/preprocessing/resample';
import { axialSeries, hasPydicom, tempDir, writeSeries } from '../import/fixtures';

interface RealSeries {
  row: SeriesRow;
  instances: InstanceRow[];
  patientId: string;
}

let root: string;
let ws: Workspace;
let set: AnnotationSet;
/** Pseudonym series UID → the real series. */
const real = new Map<string, RealSeries>();

const TIME = '2024-01-01T00:00:00.000Z';

/** A de-identified annotation set of the reference truth (the real set builder lives elsewhere). */
function referenceSet(): AnnotationSet {
  const patients: AnnotationSet['patients'] = [];
  const series: AnnotationSet['series'] = [];
  const boxes: SetBox[] = [];
  ws.catalog.allSeriesUids().forEach((uid, i) => {
    const row = ws.catalog.series(uid)!;
    const patient = ws.catalog.patientOfStudy(row.study_uid)!;
    const instances = ws.catalog.instancesOfSeries(uid);
    const pseudo = `2.25.${1000 + i}`;
    const id = `ANON${i + 1}`;
    real.set(pseudo, { row, instances, patientId: patient.patient_id });
    patients.push({ id, name: '', birthDate: '', sex: '', fold: i % 2 });
    const sop = (z: number) => `${pseudo}.${z + 1}`;
    series.push({
      seriesInstanceUid: pseudo,
      studyInstanceUid: `2.25.${2000 + i}`,
      patientId: id,
      studyDate: '',
      studyTime: '',
      accessionNumber: '',
      studyDescription: '',
      frameOfReferenceUid: null,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      modality: 'CT',
      description: '',
      rows: row.rows,
      cols: row.cols,
      pixelSpacingMm: row.row_spacing && row.col_spacing ? [row.row_spacing, row.col_spacing] : null,
      slices: instances.map((_, z) => ({ index: z, sopInstanceUid: sop(z) })),
    });
    for (const b of seriesReference(ws.db, uid).boxes) {
      boxes.push({
        reader: 'Reference',
        seriesInstanceUid: pseudo,
        sopInstanceUid: sop(b.sliceIndex),
        sliceIndex: b.sliceIndex,
        label: b.kind,
        box: b.box,
        createdAt: TIME,
        updatedAt: TIME,
      });
    }
  });
  return AnnotationSet.parse({
    format: 'dvt-annotation-set',
    version: 1,
    exportedAt: TIME,
    generator: 'test',
    deidentified: true,
    labels: ['DVT'],
    readers: [{ name: 'Reference' }],
    folds: { k: 2, seed: 7 },
    patients,
    series,
    boxes,
    cases: [],
  } satisfies AnnotationSet);
}

const options = (outDir: string, more: Partial<PatchSetOptions> = {}): PatchSetOptions => ({
  outDir,
  set,
  source: { kind: 'reference' },
  classes: ['DVT'],
  folds: {
    k: 2,
    seed: 7,
    source: 'workspace',
    byPatient: new Map(set.patients.map((p) => [p.id, p.fold!])),
  },
  seriesSource(uid) {
    const r = real.get(uid);
    if (!r) throw new Error(`unknown series ${uid}`);
    return {
      instances: r.instances,
      cols: r.row.cols,
      rows: r.row.rows,
      colSpacingMm: r.row.col_spacing,
      rowSpacingMm: r.row.row_spacing,
    };
  },
  now: new Date(TIME),
  ...more,
});

const emptyDir = (name: string): string => {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
};

/** Independently: a slice resampled as runSeries does, and a 128² cut of it (padding `pad`). */
const resampledCache = new Map<string, { data: Float32Array; width: number; height: number }>();
function resampled(series: RealSeries, z: number) {
  const key = `${series.row.series_uid}:${z}`;
  let r = resampledCache.get(key);
  if (!r) {
    const { row, instances } = series;
    const hu = readInstanceHu(instances[z]!);
    r = resampleBilinear(
      hu,
      row.cols,
      row.rows,
      resampleScale(row.col_spacing!, 0.695),
      resampleScale(row.row_spacing!, 0.695),
    );
    resampledCache.set(key, r);
  }
  return r;
}
function cut<T extends Float32Array | Uint8Array>(
  plane: T,
  width: number,
  height: number,
  o: PatchEntry['origin'],
  pad: number,
  out: T,
): T {
  for (let v = 0; v < 128; v++) {
    for (let u = 0; u < 128; u++) {
      const x = o.x + u;
      const y = o.y + v;
      out[v * 128 + u] = x < width && y < height ? plane[y * width + x]! : pad;
    }
  }
  return out;
}
const greyCache = new Map<string, Uint8Array>();
const greyPatch = (series: RealSeries, z: number, o: PatchEntry['origin']): Uint8Array => {
  const r = resampled(series, z);
  // runSeries windows the whole resampled plane, then tiles it.
  const key = `${series.row.series_uid}:${z}`;
  let grey = greyCache.get(key);
  if (!grey) {
    grey = windowPlane(r.data, { level: 140, width: 400 });
    greyCache.set(key, grey);
  }
  return cut(grey, r.width, r.height, o, 0, new Uint8Array(128 * 128));
};
/** The first pixel where two patches differ (null when equal): quicker than a deep equality, and says where. */
const difference = (got: ArrayLike<number>, expected: ArrayLike<number>) => {
  if (got.length !== expected.length) return { length: got.length, expected: expected.length };
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], expected[i]))
      return { u: i % 128, v: Math.floor(i / 128), got: got[i], expected: expected[i] };
  }
  return null;
};
const huPatch = (series: RealSeries, z: number, o: PatchEntry['origin']): Float32Array => {
  const r = resampled(series, z);
  return cut(r.data, r.width, r.height, o, -60, new Float32Array(128 * 128));
};
const channel = (png: PNG, c: number): Uint8Array =>
  Uint8Array.from({ length: png.width * png.height }, (_, i) => png.data[4 * i + c]!);

/** A .npy file's shape and float32 values (enough of the format to read what npy.ts writes). */
function readNpy(file: string): { shape: number[]; data: Float32Array } {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]!
    .split(',')
    .filter((s) => s.trim())
    .map(Number);
  const body = bytes.subarray(10 + headerLength);
  const data = new Float32Array(body.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = body.readFloatLE(4 * i);
  return { shape, data };
}

beforeAll(async () => {
  root = tempDir('dvt-patches-');
  const cohort = join(root, 'cohort');
  // 2 patients: one with a thrombus, one without.
  await generateCohort({ outDir: cohort, patients: 2, seed: 31, slicesPerPatient: 10 });
  ws = openWorkspace(join(root, 'ws'));
  const report = await importPaths(ws.catalog, [cohort]);
  expect(report.errors).toEqual([]);
  set = referenceSet();
});

afterAll(async () => {
  await ws.close();
  rmSync(root, { recursive: true, force: true });
});

describe('writePatchSet (PNG, both input forms)', () => {
  let manifest: PatchSetManifest;
  let dir: string;
  let result: Awaited<ReturnType<typeof writePatchSet>>;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    dir = emptyDir('png');
    result = await writePatchSet(options(dir, { onProgress: (d, t) => progress.push([d, t]) }));
    manifest = PatchSetManifest.parse(JSON.parse(readFileSync(result.manifestPath, 'utf8')));
  });

  it('writes a manifest that parses, with the paper settings and the set identifiers', () => {
    expect(result.manifestPath).toBe(join(dir, 'manifest.json'));
    expect(manifest.patch).toEqual({
      size: 128,
      pixelSpacingMm: 0.695,
      window: { level: 140, width: 400 },
      inputs: ['1slice', '3slice'],
      encoding: 'png',
      minBoxFraction: 0.5,
      jitterPx: 0,
      jitterSeed: 1,
      veinSliceStride: 1,
    });
    expect(manifest.exportedAt).toBe(TIME);
    expect(manifest.deidentified).toBe(true);
    expect(manifest.classes).toEqual(['DVT']);
    expect(manifest.folds).toEqual({ k: 2, seed: 7, source: 'workspace' });
    expect(manifest.patients).toEqual([
      { id: 'ANON1', fold: 0 },
      { id: 'ANON2', fold: 1 },
    ]);
    expect(manifest.patches.length).toBe(result.patches);
    expect(new Set(manifest.patches.map((p) => p.seriesInstanceUid))).toEqual(new Set(real.keys()));
    // Each entry carries its slice's size, so training can clip boxes mapped back to DICOM pixels.
    for (const p of manifest.patches) {
      const { row } = real.get(p.seriesInstanceUid)!;
      expect(p.image).toEqual({ cols: row.cols, rows: row.rows });
    }
    expect(manifest.patches.some((p) => p.centredOn.label === 'DVT')).toBe(true);
    expect(manifest.patches.some((p) => p.centredOn.label === 'vein')).toBe(true);
    // Mimics (lymph nodes, mixing artefacts) neither place patches nor appear as targets.
    const labels = manifest.patches.flatMap((p) => [p.centredOn.label, ...p.boxes.map((b) => b.label)]);
    expect(new Set(labels)).toEqual(new Set(['DVT', 'vein']));
  });

  it('writes two images per patch and counts them', () => {
    const files = ['1slice', '3slice'].flatMap((f) =>
      readdirSync(join(dir, 'patches', f)).map((n) => join('patches', f, n)),
    );
    expect(files.length).toBe(2 * result.patches);
    expect(result.files).toBe(files.length + 1);
    const bytes = [...files, 'manifest.json'].reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    expect(result.bytes).toBe(bytes);
    expect(new Set(manifest.patches.flatMap((p) => [p.files['1slice'], p.files['3slice']]))).toEqual(
      new Set(files.map((f) => f.split('\\').join('/'))),
    );
  });

  it('names patches by position only, never by identifier', () => {
    const ids = manifest.patches.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const secrets = [...real.entries()].flatMap(([pseudo, r]) => [
      pseudo,
      r.row.series_uid,
      r.patientId,
      ...r.instances.map((i) => i.sop_uid),
    ]);
    for (const id of ids) {
      expect(id).toMatch(/^p\d{3}-s\d{2}-z\d{4}-\d{2}$/);
      for (const s of [...secrets, 'ANON']) expect(id).not.toContain(s);
    }
  });

  it('cuts every 1-slice PNG from the windowed resampled slice, as inference tiles it', () => {
    for (const p of manifest.patches) {
      const png = PNG.sync.read(readFileSync(join(dir, p.files['1slice']!)));
      expect([png.width, png.height]).toEqual([128, 128]);
      const expected = greyPatch(real.get(p.seriesInstanceUid)!, p.sliceIndex, p.origin);
      expect(difference(channel(png, 0), expected), p.id).toBeNull();
    }
  });

  it('holds anatomy, not a blank image', () => {
    const centredOnDvt = manifest.patches.filter((p) => p.centredOn.label === 'DVT');
    for (const p of centredOnDvt) {
      const grey = channel(PNG.sync.read(readFileSync(join(dir, p.files['1slice']!))), 0);
      expect(new Set(grey).size, p.id).toBeGreaterThan(20);
    }
  });

  it('makes 3-slice PNGs of z − 1, z, z + 1 whose green is the 1-slice patch', () => {
    for (const p of manifest.patches) {
      const rgb = PNG.sync.read(readFileSync(join(dir, p.files['3slice']!)));
      const grey = PNG.sync.read(readFileSync(join(dir, p.files['1slice']!)));
      expect([rgb.width, rgb.height]).toEqual([128, 128]);
      expect(p.channelSlices).toEqual(neighbourIndices(p.sliceIndex, p.sliceCount));
      expect(difference(channel(rgb, 1), channel(grey, 0)), p.id).toBeNull();
      expect(
        difference(channel(rgb, 0), greyPatch(real.get(p.seriesInstanceUid)!, p.channelSlices[0], p.origin)),
        p.id,
      ).toBeNull();
      expect(
        difference(channel(rgb, 2), greyPatch(real.get(p.seriesInstanceUid)!, p.channelSlices[2], p.origin)),
        p.id,
      ).toBeNull();
    }
  });

  it('gives boxes that map back to the reference boxes on the DICOM grid', () => {
    const dvt = set.boxes.filter((b) => b.label === 'DVT');
    expect(dvt.length).toBeGreaterThan(0);
    for (const b of dvt) {
      const patch = manifest.patches.find(
        (p) =>
          p.seriesInstanceUid === b.seriesInstanceUid &&
          p.sliceIndex === b.sliceIndex &&
          p.boxes.some(
            (x) =>
              Math.abs((x.box[0] + p.origin.x) / p.scale.x - b.box.x1) < 1e-9 &&
              Math.abs((x.box[3] + p.origin.y) / p.scale.y - b.box.y2) < 1e-9,
          ),
      );
      expect(patch, `box on slice ${b.sliceIndex}`).toBeDefined();
      const { scale, origin, sopInstanceUid } = patch!;
      expect(sopInstanceUid).toBe(b.sopInstanceUid);
      const [u1, v1, u2, v2] = patch!.boxes.find(
        (x) => Math.abs((x.box[0] + origin.x) / scale.x - b.box.x1) < 1e-9,
      )!.box;
      expect((u1 + origin.x) / scale.x).toBeCloseTo(b.box.x1, 9);
      expect((v1 + origin.y) / scale.y).toBeCloseTo(b.box.y1, 9);
      expect((u2 + origin.x) / scale.x).toBeCloseTo(b.box.x2, 9);
      expect((v2 + origin.y) / scale.y).toBeCloseTo(b.box.y2, 9);
    }
    for (const p of manifest.patches) {
      const r = real.get(p.seriesInstanceUid)!.row;
      expect(p.scale).toEqual({ x: r.col_spacing! / 0.695, y: r.row_spacing! / 0.695 });
      for (const x of p.boxes) {
        expect(x.box[0]).toBeGreaterThanOrEqual(0);
        expect(x.box[2]).toBeLessThanOrEqual(128);
      }
    }
  });

  it('reports progress once per slice with patches', () => {
    const slices = new Set(manifest.patches.map((p) => `${p.seriesInstanceUid}:${p.sliceIndex}`)).size;
    expect(progress).toEqual(Array.from({ length: slices }, (_, i) => [i + 1, slices]));
  });
});

describe('writePatchSet (npy)', () => {
  it('writes float32 resampled HU, [3, 128, 128], matching the slices', async () => {
    const dir = emptyDir('npy');
    const result = await writePatchSet(options(dir, { encoding: 'npy', inputs: ['3slice'] }));
    const manifest = PatchSetManifest.parse(JSON.parse(readFileSync(result.manifestPath, 'utf8')));
    expect(readdirSync(join(dir, 'patches'))).toEqual(['3slice']);
    expect(result.files).toBe(result.patches + 1);
    for (const p of manifest.patches) {
      expect(p.files).toEqual({ '3slice': `patches/3slice/${p.id}.npy` });
      const { shape, data } = readNpy(join(dir, p.files['3slice']!));
      expect(shape).toEqual([3, 128, 128]);
      p.channelSlices.forEach((z, c) => {
        const expected = huPatch(real.get(p.seriesInstanceUid)!, z, p.origin);
        expect(difference(data.subarray(c * 128 * 128, (c + 1) * 128 * 128), expected), p.id).toBeNull();
      });
    }
  });
});

describe.skipIf(!hasPydicom())('writePatchSet (a slice smaller than a patch)', () => {
  it('pads PNG with grey 0 and npy with the window floor, and maps anisotropic pixels per axis', async () => {
    // 40 × 30 pixels of 0.7 mm (columns) by 0.8 mm (rows): a 40 × 35 resampled slice in a 128² patch.
    const spec = axialSeries('977', 3, { rows: 30, cols: 40 });
    writeSeries(join(root, 'small'), [spec]);
    const small = openWorkspace(join(root, 'small-ws'));
    try {
      expect((await importPaths(small.catalog, [join(root, 'small')])).errors).toEqual([]);
      const row = small.catalog.series(spec.seriesUid)!;
      const series: RealSeries = {
        row,
        instances: small.catalog.instancesOfSeries(spec.seriesUid),
        patientId: 'TEST001',
      };
      const slices = series.instances.map((inst, z) => ({ index: z, sopInstanceUid: inst.sop_uid }));
      const smallSet: AnnotationSet = {
        ...set,
        deidentified: false,
        patients: [{ id: 'TEST001', name: '', birthDate: '', sex: '', fold: 0 }],
        series: [
          {
            ...set.series[0]!,
            seriesInstanceUid: spec.seriesUid,
            patientId: 'TEST001',
            rows: 30,
            cols: 40,
            pixelSpacingMm: [0.8, 0.7],
            slices,
          },
        ],
        boxes: [
          {
            ...set.boxes[0]!,
            seriesInstanceUid: spec.seriesUid,
            sopInstanceUid: slices[1]!.sopInstanceUid,
            sliceIndex: 1,
            label: 'DVT',
            box: { space: 'dicom-pixel', x1: 10, y1: 10, x2: 20, y2: 20 },
          },
        ],
      };
      const base = {
        set: smallSet,
        folds: { k: 2, seed: 7, source: 'export' as const, byPatient: new Map([['TEST001', 0]]) },
        seriesSource: () => ({
          instances: series.instances,
          cols: 40,
          rows: 30,
          colSpacingMm: 0.7,
          rowSpacingMm: 0.8,
        }),
      };
      const pngDir = emptyDir('small-png');
      const npyDir = emptyDir('small-npy');
      await writePatchSet({ ...options(pngDir), ...base });
      await writePatchSet({ ...options(npyDir), ...base, encoding: 'npy' });
      const read = (dir: string) =>
        PatchSetManifest.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
      const [p] = read(pngDir).patches;
      const sx = 0.7 / 0.695;
      const sy = 0.8 / 0.695;
      expect(p).toMatchObject({
        id: 'p001-s01-z0001-01',
        patientId: 'TEST001',
        sliceIndex: 1,
        channelSlices: [0, 1, 2],
        origin: { x: 0, y: 0 },
        scale: { x: sx, y: sy },
        boxes: [{ label: 'DVT', box: [10 * sx, 10 * sy, 20 * sx, 20 * sy] }],
      });
      expect(resampled(series, 1)).toMatchObject({ width: 40, height: 35 });
      const grey = PNG.sync.read(readFileSync(join(pngDir, p!.files['1slice']!)));
      const expectedGrey = greyPatch(series, 1, p!.origin);
      expect(difference(channel(grey, 0), expectedGrey)).toBeNull();
      // Inside: a gradient through the window; outside: grey 0.
      expect(expectedGrey[0]).toBeGreaterThan(0);
      expect(expectedGrey[34 * 128 + 39]).toBe(255);
      expect(expectedGrey[34 * 128 + 40]).toBe(0);
      expect(expectedGrey[35 * 128]).toBe(0);
      const rgb = PNG.sync.read(readFileSync(join(pngDir, p!.files['3slice']!)));
      [0, 1, 2].forEach((z) =>
        expect(difference(channel(rgb, z), greyPatch(series, z, p!.origin))).toBeNull(),
      );
      const [q] = read(npyDir).patches;
      const { shape, data } = readNpy(join(npyDir, q!.files['1slice']!));
      expect(shape).toEqual([1, 128, 128]);
      expect(difference(data, huPatch(series, 1, q!.origin))).toBeNull();
      expect([data[40], data[127 * 128 + 127]]).toEqual([-60, -60]);
    } finally {
      await small.close();
    }
  });
});

describe('writePatchSet (refusals and cancellation)', () => {
  it('stops between slices when cancelled and writes no manifest', async () => {
    const dir = emptyDir('cancelled');
    const controller = new AbortController();
    const seen: number[] = [];
    const run = writePatchSet(
      options(dir, {
        signal: controller.signal,
        onProgress: (done) => {
          seen.push(done);
          controller.abort();
        },
      }),
    );
    await expect(run).rejects.toThrow('export cancelled');
    await run.catch((e: unknown) => expect((e as Error).name).toBe('AbortError'));
    expect(seen).toEqual([1]);
    expect(readdirSync(dir)).not.toContain('manifest.json');
  });

  it('refuses a folder that is not empty, and a patient without a fold', async () => {
    const dir = emptyDir('busy');
    mkdirSync(join(dir, 'something'));
    await expect(writePatchSet(options(dir))).rejects.toThrow(/not empty/);
    const other = emptyDir('nofold');
    const base = options(other);
    await expect(
      writePatchSet({ ...base, folds: { ...base.folds, byPatient: new Map([['ANON1', 0]]) } }),
    ).rejects.toThrow(/ANON2 has no fold/);
  });

  it('refuses a series whose slices no longer match the set', async () => {
    const dir = emptyDir('changed');
    const base = options(dir);
    await expect(
      writePatchSet({
        ...base,
        seriesSource: (uid) => {
          const s = base.seriesSource(uid);
          return { ...s, instances: s.instances.slice(1) };
        },
      }),
    ).rejects.toThrow(/9 slices in the workspace, 10 in the set/);
  });
});
