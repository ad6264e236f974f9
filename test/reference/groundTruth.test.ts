import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/main/import/importPaths';
import { generateCohort } from '../../src/main/phantom';
import { seriesReference } from '../../src/main/reference/referenceStore';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import { groundTruthSchema, type GroundTruth } from '../../src/shared/phantom/groundTruth';
import { tempDir } from '../import/fixtures';

let dir: string;
let ws: Workspace;
let truthFile: string;
let truth: GroundTruth;

beforeEach(async () => {
  dir = tempDir('dvt-truth-');
  ws = openWorkspace(join(dir, 'ws'));
  const cohort = await generateCohort({
    outDir: join(dir, 'cohort'),
    patients: 2,
    seed: 11,
    slicesPerPatient: 10,
  });
  truthFile = cohort.groundTruthPath;
  truth = groundTruthSchema.parse(JSON.parse(readFileSync(truthFile, 'utf8')));
});
afterEach(async () => {
  await ws.close();
  rmSync(dir, { recursive: true, force: true });
});

const rewrite = (change: (t: GroundTruth) => void): void => {
  change(truth);
  writeFileSync(truthFile, JSON.stringify(truth));
};

describe('ground truth of a generated cohort', () => {
  it('is stored with the DICOM files, on the slices the catalog has, once', async () => {
    const first = await importPaths(ws.catalog, [join(dir, 'cohort')]);
    expect(first.groundTruth).toEqual([
      { file: truthFile, patients: 2, boxes: expect.any(Number) as number, added: true },
    ]);
    const p = truth.patients[0];
    if (!p) throw new Error('no patient');
    const ref = seriesReference(ws.db, p.seriesInstanceUid);
    expect(ref.hasDvt).toBe(p.hasDvt);
    const expected = p.slices.flatMap((s) =>
      [...s.boxes, ...s.mimics].map((b) => `${s.index}:${b.box.join(',')}`),
    );
    expect(
      ref.boxes.map((b) => `${b.sliceIndex}:${b.box.x1},${b.box.y1},${b.box.x2},${b.box.y2}`).sort(),
    ).toEqual(expected.sort());
    const again = await importPaths(ws.catalog, [join(dir, 'cohort')]);
    expect(again.groundTruth[0]?.added).toBe(false);
    expect(ws.db.prepare('SELECT count(*) AS n FROM reference_sets').get()).toEqual({ n: 1 });
  });

  it('is refused whole when its slice order disagrees with the catalog', async () => {
    rewrite((t) => {
      const slices = t.patients[1]?.slices;
      if (slices?.[0] && slices[1]) [slices[0].index, slices[1].index] = [slices[1].index, slices[0].index];
    });
    const report = await importPaths(ws.catalog, [join(dir, 'cohort')]);
    expect(report.errors).toEqual([
      {
        file: truthFile,
        reason: expect.stringMatching(/is number 1 in the ground truth but 0 in the catalog/) as string,
      },
    ]);
    expect(ws.db.prepare('SELECT count(*) AS n FROM reference_boxes').get()).toEqual({ n: 0 });
    expect(report.series).toHaveLength(2); // the DICOM files are imported all the same
  });

  it('is refused when a box lies outside the image', async () => {
    rewrite((t) => {
      const box = t.patients[0]?.slices.find((s) => s.boxes.length > 0)?.boxes[0];
      if (box) box.box = [500, 500, 600, 520];
    });
    const report = await importPaths(ws.catalog, [join(dir, 'cohort')]);
    expect(report.errors[0]?.reason).toMatch(/box of .* lies outside the 512×512 image/);
  });

  it('is refused with the place of the problem when it is not a ground-truth file', async () => {
    writeFileSync(truthFile, JSON.stringify({ version: 1, patients: 'none' }));
    const report = await importPaths(ws.catalog, [join(dir, 'cohort')]);
    expect(report.errors[0]?.reason).toMatch(/not a ground-truth file \(generator: /);
  });
});
