// `dvt model add`, `dvt infer`, `dvt runs`, `dvt predictions` as a researcher scripts them.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary, Prediction, RunSummary } from '../../src/shared/inference/schemas';
import { tempDir } from '../import/fixtures';

const MODELS = resolve('test/fixtures/models');
const dvt = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/dvt.mjs', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

let ws: string;

beforeAll(() => {
  const dir = tempDir('dvt-cli-infer-');
  ws = join(dir, 'ws');
  const cohort = join(dir, 'cohort');
  expect(dvt('phantom', '--out', cohort, '--patients', '2', '--seed', '11', '--slices', '10').code).toBe(0);
  expect(dvt('import', cohort, '--workspace', ws).code).toBe(0);
}, 120_000);

describe('dvt model and dvt infer', () => {
  it('registers a model and prints it with its name and hash', () => {
    const r = dvt('model', 'add', join(MODELS, 'tiny-tv-raw-3slice.onnx'), '--workspace', ws, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout) as ModelSummary & { alreadyRegistered: boolean };
    expect(model.name).toBe('tiny-tv-raw-3slice');
    expect(model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(model.alreadyRegistered).toBe(false);
    const list = JSON.parse(dvt('model', 'list', '--workspace', ws).stdout) as ModelSummary[];
    expect(list.map((m) => m.name)).toEqual(['tiny-tv-raw-3slice']);
  });

  it('refuses a broken model with exit code 1 and the reason on stderr', () => {
    const r = dvt('model', 'add', join(MODELS, 'tiny-input.json'), '--workspace', ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tiny-input\.json: not an ONNX model/);
    expect(r.stdout).toBe('');
  });

  it('runs a model on every series with progress on stderr, and stores the runs', () => {
    const r = dvt(
      'infer',
      '--workspace',
      ws,
      '--model',
      'tiny-tv-raw-3slice',
      '--all',
      '--provider',
      'cpu',
      '--stride',
      '128',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/infer: tiny-tv-raw-3slice on [0-9.]+: running on cpu/);
    expect(r.stderr).toMatch(/slice 0\/10/);
    const out = JSON.parse(r.stdout) as { runs: RunSummary[]; failures: unknown[] };
    expect(out.failures).toEqual([]);
    expect(out.runs.map((x) => [x.status, x.slicesDone, x.providerUsed, x.params.stride])).toEqual([
      ['done', 10, 'cpu', 128],
      ['done', 10, 'cpu', 128],
    ]);

    const runs = JSON.parse(dvt('runs', '--workspace', ws).stdout) as RunSummary[];
    expect(runs.map((x) => x.id)).toEqual(out.runs.map((x) => x.id));
    const first = out.runs[0]!;
    const p = JSON.parse(
      dvt('predictions', '--workspace', ws, '--run', String(first.id), '--min-score', '0.1').stdout,
    ) as {
      run: RunSummary;
      predictions: Prediction[];
    };
    expect(p.run.id).toBe(first.id);
    expect(p.predictions.every((x) => x.score >= 0.1 && x.box.space === 'dicom-pixel')).toBe(true);
  });

  it('says which names exist when a model is unknown, and checks its options', () => {
    const unknown = dvt('infer', '--workspace', ws, '--model', 'resnet999', '--all');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /no model "resnet999" in this workspace \(registered: tiny-tv-raw-3slice\)/,
    );
    expect(dvt('infer', '--workspace', ws, '--model', 'tiny-tv-raw-3slice').code).toBe(2);
    expect(
      dvt('infer', '--workspace', ws, '--model', 'tiny-tv-raw-3slice', '--all', '--provider', 'tpu').code,
    ).toBe(2);
    expect(
      dvt('infer', '--workspace', ws, '--model', 'tiny-tv-raw-3slice', '--all', '--stride', '300').code,
    ).toBe(2);
  });
});
