// `dvt export` and `dvt import-annotations` as a researcher scripts them: JSON on stdout, progress on
// stderr, exit 1 with the file and the reason for a bad import, 2 for a usage error.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatchSetManifest } from '../../src/shared/exchange/patchManifest';
import { annotationWorkspace, call, type AnnotationFixture } from '../annotation/fixture';

const dvt = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/dvt.mjs', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

let fx: AnnotationFixture;

beforeAll(async () => {
  fx = await annotationWorkspace(2, 10);
  const reader = await call(fx.handlers, 'readers:add', { name: 'Dr CLI' });
  const [s0] = fx.series;
  await call(fx.handlers, 'annotations:create', {
    seriesUid: s0!.uid,
    readerId: reader.id,
    boxes: [
      {
        sopInstanceUid: s0!.sops[4]!,
        label: 'DVT',
        box: { space: 'dicom-pixel', x1: 10, y1: 20, x2: 40, y2: 60 },
      },
    ],
  });
  // The CLI opens the workspace itself.
  await fx.ws.close();
}, 120_000);

afterAll(() => {
  if (fx) rmSync(fx.root, { recursive: true, force: true });
});

describe('dvt export / import-annotations', () => {
  it('exports native JSON de-identified by default, and imports it back as nothing new', () => {
    const out = join(fx.root, 'out-native');
    const r = dvt('export', '--workspace', fx.wsDir, '--format', 'native', '--out', out);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'native', deidentified: true, boxes: 1, files: 1 });
    expect(r.stderr).toContain('export: collecting');
    const doc = readFileSync(join(out, 'annotations.json'), 'utf8');
    expect(doc).not.toContain('Dr CLI');
    const back = dvt('import-annotations', join(out, 'annotations.json'), '--workspace', fx.wsDir);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({
      format: 'native',
      boxes: { added: 0, alreadyPresent: 1 },
    });
  });

  it('exports a patch set of the reference truth with its folds', () => {
    const out = join(fx.root, 'out-patches');
    const r = dvt(
      'export',
      '--workspace',
      fx.wsDir,
      '--format',
      'patches',
      '--reference',
      '--out',
      out,
      '--folds',
      '2',
      '--patch-inputs',
      '3slice',
      '--patch-encoding',
      'npy',
      '--vein-every',
      '3',
    );
    expect(r.stderr).toContain('export: writing');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { patches: number };
    const manifest = PatchSetManifest.parse(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
    expect(manifest.patches).toHaveLength(result.patches);
    expect(manifest.source).toEqual({ kind: 'reference' });
    expect(manifest.classes).toEqual(['DVT']);
    expect(manifest.folds).toMatchObject({ k: 2, source: 'export' });
    expect(manifest.patch).toMatchObject({
      inputs: ['3slice'],
      encoding: 'npy',
      jitterPx: 32,
      veinSliceStride: 3,
    });
    const veinOnly = manifest.patches.filter((p) => p.centredOn.label === 'vein');
    expect(veinOnly.length).toBeGreaterThan(0);
    expect(veinOnly.every((p) => p.sliceIndex % 3 === 0)).toBe(true);
    expect(manifest.patches.some((p) => p.boxes.length > 0)).toBe(true);
    expect(manifest.patches.some((p) => p.boxes.length === 0)).toBe(true);
    expect(existsSync(join(out, manifest.patches[0]!.files['3slice']!))).toBe(true);
  });

  it('refuses a bad import with exit 1 naming the file, and bad usage with exit 2', () => {
    const bad = join(fx.root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ images: [{ id: 1 }], annotations: [], categories: [] }));
    const r = dvt('import-annotations', bad, '--workspace', fx.wsDir, '--reader', 'X');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: not a COCO detection file (categories`);
    expect(dvt('export', '--workspace', fx.wsDir, '--format', 'tiff', '--out', join(fx.root, 'x')).code).toBe(
      2,
    );
    const taken = dvt(
      'export',
      '--workspace',
      fx.wsDir,
      '--format',
      'native',
      '--out',
      join(fx.root, 'out-native'),
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('is not empty; choose a new folder');
  });
});
