/**
 * End to end: a small cohort written to disk, checked for determinism, ground-truth consistency, DICOM validity
 * (dicom3tools' dciodvfy) and readability with correct HU (pydicom).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCohort } from '../../src/main/phantom/cohort';
import { generateCohort, type PhantomResult } from '../../src/main/phantom/index';
import {
  groundTruthSchema,
  type GroundTruth,
  type PixelBoxTuple,
} from '../../src/shared/phantom/groundTruth';

const SEED = 20240607;
const OPTIONS = { patients: 2, seed: SEED, slicesPerPatient: 12 };
const DCIODVFY = '/usr/bin/dciodvfy';
const PYTHON = '/usr/bin/python3';

let dir = '';
let result: PhantomResult;
let truth: GroundTruth;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phantom-'));
  const progress: number[] = [];
  result = await generateCohort({
    ...OPTIONS,
    outDir: join(dir, 'a'),
    onProgress: (done) => progress.push(done),
  });
  expect(progress.at(-1)).toBe(24);
  truth = groundTruthSchema.parse(JSON.parse(await readFile(result.groundTruthPath, 'utf8')));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function contains(outer: PixelBoxTuple, inner: PixelBoxTuple): boolean {
  return inner[0] >= outer[0] && inner[1] >= outer[1] && inner[2] <= outer[2] && inner[3] <= outer[3];
}

describe('generateCohort', () => {
  it('writes one file per slice in patient folders and a valid ground truth', () => {
    expect(result.patients).toBe(2);
    expect(result.slices).toBe(24);
    expect(result.files).toHaveLength(24);
    expect(result.files[0]).toBe(join(dir, 'a', 'P001', 'IM0001.dcm'));
    for (const p of truth.patients) {
      expect(p.slices.map((s) => s.index)).toEqual([...Array(12).keys()]);
      expect(new Set(p.slices.map((s) => s.instanceNumber)).size).toBe(12);
      for (const s of p.slices) expect(existsSync(join(dir, 'a', s.file))).toBe(true);
    }
  });

  it('is byte-identical for the same seed', async () => {
    const again = await generateCohort({ ...OPTIONS, outDir: join(dir, 'b') });
    expect(await readFile(again.groundTruthPath, 'utf8')).toBe(
      await readFile(result.groundTruthPath, 'utf8'),
    );
    for (let i = 0; i < result.files.length; i++) {
      const a = await readFile(result.files[i] ?? '');
      const b = await readFile(again.files[i] ?? '');
      expect(a.equals(b)).toBe(true);
    }
  });

  it('orders slices downwards in z and records both patient positions', () => {
    for (const p of truth.patients) {
      for (let i = 1; i < p.slices.length; i++) {
        expect((p.slices[i]?.zMm ?? 0) - (p.slices[i - 1]?.zMm ?? 0)).toBeCloseTo(-5);
      }
    }
    expect(new Set(truth.patients.map((p) => p.patientPosition))).toEqual(new Set(['HFS', 'FFS']));
  });

  it('labels half the patients positive, with DVT boxes inside vein boxes on 3–15 contiguous slices', () => {
    expect(truth.patients.filter((p) => p.hasDvt)).toHaveLength(1);
    for (const p of truth.patients) {
      expect(p.hasDvt).toBe(p.thrombi.length > 0);
      for (const t of p.thrombi) {
        const onSlices = p.slices.filter((s) =>
          s.boxes.some((b) => b.label === 'DVT' && b.thrombusId === t.id),
        );
        const indices = onSlices.map((s) => s.index);
        expect(indices).toEqual(
          Array.from({ length: t.lastIndex - t.firstIndex + 1 }, (_, k) => t.firstIndex + k),
        );
        expect(indices.length).toBeGreaterThanOrEqual(3);
        expect(indices.length).toBeLessThanOrEqual(15);
      }
      for (const s of p.slices) {
        for (const b of s.boxes) {
          if (b.label !== 'DVT') continue;
          const veins = s.boxes.filter(
            (v) => v.label === 'vein' && v.side === b.side && v.segment === b.segment,
          );
          expect(veins.some((v) => contains(v.box, b.box))).toBe(true);
        }
      }
    }
  });

  it('puts mimics of both kinds in every patient', () => {
    for (const p of truth.patients) {
      expect(p.mimics.some((m) => m.kind === 'mixing_artifact')).toBe(true);
      expect(p.mimics.some((m) => m.kind === 'lymph_node')).toBe(true);
      const boxed = new Set(p.slices.flatMap((s) => s.mimics.map((m) => m.mimicId)));
      for (const m of p.mimics) expect(boxed.has(m.id)).toBe(true);
    }
  });

  it('passes dciodvfy without errors', (ctx) => {
    if (!existsSync(DCIODVFY)) {
      console.warn(`skipped: ${DCIODVFY} (dicom3tools) is not installed`);
      ctx.skip();
    }
    const errors: string[] = [];
    for (const file of result.files) {
      const run = spawnSync(DCIODVFY, [file], { encoding: 'utf8' });
      const lines = `${run.stdout}\n${run.stderr}`.split('\n');
      errors.push(...lines.filter((l) => /^\s*Error/.test(l)).map((l) => `${file}: ${l}`));
    }
    expect(errors).toEqual([]);
  });

  it('loads in pydicom with the right geometry and HU', (ctx) => {
    const probe = spawnSync(PYTHON, ['-c', 'import pydicom, numpy'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.warn(`skipped: ${PYTHON} lacks pydicom or numpy`);
      ctx.skip();
    }
    const positive = truth.patients.find((p) => p.hasDvt);
    expect(positive).toBeDefined();
    if (!positive) return;
    // For each slice: the HU mean over the central 3 × 3 of each box (DVT or vein).
    const requests = positive.slices.map((s) => ({
      file: join(dir, 'a', s.file),
      boxes: s.boxes.map((b) => b.box),
    }));
    const script = [
      'import json, sys, numpy as np, pydicom',
      'out = []',
      'for req in json.load(sys.stdin):',
      '    ds = pydicom.dcmread(req["file"])',
      '    hu = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)',
      '    means = []',
      '    for x1, y1, x2, y2 in req["boxes"]:',
      '        cx, cy = int((x1 + x2) // 2), int((y1 + y2) // 2)',
      '        means.append(float(hu[cy - 1:cy + 2, cx - 1:cx + 2].mean()))',
      '    out.append({"sop": ds.SOPInstanceUID, "z": float(ds.ImagePositionPatient[2]), "spacing": float(ds.PixelSpacing[0]),',
      '                "position": ds.PatientPosition, "min": float(hu.min()), "means": means})',
      'print(json.dumps(out))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(requests), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const rows = JSON.parse(run.stdout) as {
      sop: string;
      z: number;
      spacing: number;
      position: string;
      min: number;
      means: number[];
    }[];
    rows.forEach((row, i) => {
      const slice = positive.slices[i];
      expect(row.sop).toBe(slice?.sopInstanceUid);
      expect(row.z).toBeCloseTo(slice?.zMm ?? NaN, 3);
      expect(row.spacing).toBeCloseTo(positive.pixelSpacingMm, 6);
      expect(row.position).toBe(positive.patientPosition);
      expect(row.min).toBeGreaterThanOrEqual(-1024);
      slice?.boxes.forEach((b, k) => {
        const mean = row.means[k] ?? NaN;
        // Noise (σ 10–20 HU) is on, so the 3 × 3 means get a margin around 120–180 and 20–60.
        if (b.label === 'DVT') expect(mean).toBeLessThan(95);
        else if (
          !slice.boxes.some((o) => o.label === 'DVT' && o.side === b.side) &&
          slice.mimics.length === 0
        ) {
          expect(mean).toBeGreaterThan(100);
          expect(mean).toBeLessThan(200);
        }
      });
    });
  });
});

describe('planCohort', () => {
  it('makes half the patients positive and half feet-first, deterministically', () => {
    const plan = planCohort(5, 10, 60);
    expect(plan.filter((p) => p.hasDvt)).toHaveLength(5);
    expect(plan.filter((p) => p.position === 'FFS')).toHaveLength(5);
    expect(planCohort(5, 10, 60)).toEqual(plan);
    expect(planCohort(5, 3, 60).filter((p) => p.hasDvt)).toHaveLength(2);
  });

  it('rejects bad options', async () => {
    await expect(generateCohort({ outDir: dir, patients: 0, seed: 1 })).rejects.toThrow(/patients/);
    await expect(generateCohort({ outDir: dir, patients: 1, seed: 1.5 })).rejects.toThrow(/seed/);
    await expect(generateCohort({ outDir: dir, patients: 1, seed: 1, slicesPerPatient: 3 })).rejects.toThrow(
      /slices/,
    );
  });
});
