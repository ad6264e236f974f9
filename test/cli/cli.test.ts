import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/shared/catalog/schemas';
import { tempDir } from '../import/fixtures';

const dvt = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/dvt.mjs', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

let dir: string;
let cohort: string;

beforeAll(() => {
  dir = tempDir('dvt-cli-');
  cohort = join(dir, 'cohort');
  const r = dvt('phantom', '--out', cohort, '--patients', '2', '--seed', '7', '--slices', '10');
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.code).toBe(0);
});

describe('dvt CLI', () => {
  it('phantom writes a cohort and says where', () => {
    const out = dvt(
      'phantom',
      '--out',
      join(dir, 'again'),
      '--patients',
      '1',
      '--seed',
      '7',
      '--slices',
      '10',
    );
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as {
      patients: number;
      slices: number;
      fileCount: number;
      groundTruthPath: string;
    };
    expect(json).toMatchObject({ patients: 1, slices: 10, fileCount: 10 });
    expect(json.groundTruthPath).toMatch(/ground-truth\.json$/);
  });

  it('import prints the series and per-file errors as JSON', () => {
    const ws = join(dir, 'ws');
    const out = dvt('import', cohort, '--workspace', ws, '--json');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as ImportReport;
    expect(report.series).toHaveLength(2);
    for (const s of report.series) {
      expect(Object.keys(s as Record<string, unknown>)).toEqual(
        expect.arrayContaining([
          'studyUid',
          'seriesUid',
          'modality',
          'slices',
          'rows',
          'cols',
          'pixelSpacing',
          'sliceSpacing',
          'firstPosition',
          'lastPosition',
          'huMin',
          'huMax',
          'warnings',
        ]),
      );
      expect(s).toMatchObject({
        modality: 'CT',
        slices: 10,
        rows: 512,
        cols: 512,
        sliceSpacing: 5,
        warnings: [],
      });
    }
    // The ground-truth JSON beside the patient folders is recognised and stored, once.
    expect(report.errors).toEqual([]);
    expect(report.groundTruth).toEqual([
      {
        file: join(cohort, 'ground-truth.json'),
        patients: 2,
        boxes: expect.any(Number) as number,
        added: true,
      },
    ]);

    writeFileSync(join(cohort, 'notes.txt'), 'not DICOM');
    const again = dvt('import', cohort, '--workspace', ws);
    const second = JSON.parse(again.stdout) as ImportReport;
    expect(second.files).toEqual({ added: 0, unchanged: 20, changed: 0, failed: 1 });
    expect(second.groundTruth[0]?.added).toBe(false);
    expect(second.errors).toEqual([
      { file: join(cohort, 'notes.txt'), reason: expect.stringMatching(/not a DICOM file/i) as string },
    ]);
    expect(again.stderr).toMatch(/1 file\(s\) could not be imported/);
  });

  it('import exits 1 when nothing could be imported, still printing the report', () => {
    const junk = join(dir, 'junk');
    mkdirSync(junk);
    writeFileSync(join(junk, 'a.dcm'), 'not DICOM');
    const out = dvt('import', junk, '--workspace', join(dir, 'ws-junk'));
    expect(out.code).toBe(1);
    expect((JSON.parse(out.stdout) as ImportReport).errors).toHaveLength(1);
  });

  it("reference-reader copies a synthetic cohort's thrombi to a reader, once, and refuses real data", () => {
    const ws = join(dir, 'reference-ws');
    expect(dvt('import', cohort, '--workspace', ws, '--json').code).toBe(0);
    const gt = JSON.parse(readFileSync(join(cohort, 'ground-truth.json'), 'utf8')) as {
      patients: { hasDvt: boolean; slices: { boxes: { label: string }[] }[] }[];
    };
    const thrombi = gt.patients
      .flatMap((p) => p.slices.flatMap((sl) => sl.boxes))
      .filter((b) => b.label === 'DVT');
    const first = dvt('reference-reader', '--workspace', ws, '--reader', 'truth', '--json');
    expect(first.code).toBe(0);
    const made = JSON.parse(first.stdout) as {
      reader: string;
      series: number;
      boxes: number;
      skipped: number;
    };
    expect(made.reader).toBe('truth');
    expect(made.boxes).toBe(thrombi.length);
    expect(made.boxes).toBeGreaterThan(0);
    expect(made.series).toBe(gt.patients.filter((p) => p.hasDvt).length);
    expect(made.skipped).toBe(0);
    const again = JSON.parse(
      dvt('reference-reader', '--workspace', ws, '--reader', 'truth', '--json').stdout,
    ) as {
      boxes: number;
      skipped: number;
    };
    expect(again).toMatchObject({ boxes: 0, skipped: made.series });

    const empty = join(dir, 'empty-ws');
    mkdirSync(empty);
    expect(dvt('catalog', '--workspace', empty, '--json').code).toBe(0);
    const refused = dvt('reference-reader', '--workspace', empty);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/no synthetic cohort/);
  });

  it('info prints the main header fields of one file', () => {
    const out = dvt('info', join(cohort, 'P001', 'IM0001.dcm'));
    expect(out.code).toBe(0);
    const info = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(info).toMatchObject({ modality: 'CT', rows: 512, columns: 512 });
    expect(JSON.stringify(info)).toMatch(/PHANTOM/);
  });

  it('fails with a message naming the file for a non-DICOM file', () => {
    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'hello');
    const out = dvt('info', bad);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(bad);
    expect(out.stderr).toMatch(/not a DICOM file/i);
  });

  it('serve prints a loopback URL with a token, answers the contract, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/dvt.mjs', 'serve', '--workspace', join(dir, 'ws')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const { url, port } = JSON.parse(line) as { url: string; port: number };
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/#token=`));
    const token = new URL(url).hash.replace('#token=', '');
    const res = await fetch(`http://127.0.0.1:${port}/api/invoke/workspace:info`, {
      method: 'POST',
      headers: { 'x-dvt-token': token },
      body: '{}',
    });
    expect(((await res.json()) as { value: { counts: { series: number } } }).value.counts.series).toBe(2);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('answers usage errors with exit code 2', () => {
    const missing = dvt('import', cohort);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--workspace is required/);
    const unknownFlag = dvt('catalog', '--workspace', dir, '--bogus');
    expect(unknownFlag.code).toBe(2);
    expect(dvt('frobnicate').code).toBe(2);
    expect(dvt('phantom', '--out', dir, '--patients', 'many').stderr).toMatch(
      /--patients must be an integer/,
    );
  });
});
