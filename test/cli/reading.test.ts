// `dvt worklist` as a script calls it: the worklist JSON of a workspace with a registered model, a
// finished run with known predictions and a reader, and the errors and usage errors around it.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reader } from '../../src/shared/annotation/schemas';
import type { RunId } from '../../src/shared/ids';
import { Worklist } from '../../src/shared/reading/schemas';
import { call, type FixtureSeries } from '../annotation/fixture';
import { readingWorkspace, storedRun, type ReadingFixture } from '../reading/fixture';

const dvt = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/dvt.mjs', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

let fx: ReadingFixture;
let reader: Reader;
let s0: FixtureSeries;
let s1: FixtureSeries;
let run: RunId;

beforeAll(async () => {
  fx = await readingWorkspace(2, 10);
  [s0, s1] = fx.series as [FixtureSeries, FixtureSeries];
  reader = await call(fx.handlers, 'readers:add', { name: 'Dr CLI' });
  run = storedRun(fx, s1, [
    { slice: 3, score: 0.7, box: [100, 100, 130, 130] },
    { slice: 4, score: 0.3, box: [100, 100, 130, 130] },
    { slice: 5, score: 0.05, box: [10, 10, 20, 20] },
  ]);
  await call(fx.handlers, 'cases:set', { seriesUid: s0.uid, readerId: reader.id, status: 'flagged' });
  await fx.ws.close();
}, 120_000);

afterAll(() => rmSync(fx.root, { recursive: true, force: true }));

describe('dvt worklist', () => {
  it("prints the ordered worklist with the reader's statuses", () => {
    const out = dvt(
      'worklist',
      '--workspace',
      fx.wsDir,
      '--model',
      fx.model.name,
      '--reader',
      'dr cli',
      '--json',
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const w = Worklist.parse(JSON.parse(out.stdout));
    expect(w).toMatchObject({
      model: { id: fx.model.id, name: fx.model.name },
      readerId: reader.id,
      threshold: 0.1,
    });
    expect(
      w.rows.map((r) => [r.seriesUid, r.runState, r.runId, r.maxScore, r.suggestions, r.status]),
    ).toEqual([
      [s1.uid, 'done', run, 0.7, 2, 'not-started'],
      [s0.uid, 'not-run', null, null, 0, 'flagged'],
    ]);
    expect(w.rows[0]).toMatchObject({ slices: 10 });
    expect(Object.keys(w.rows[0]!).sort()).toEqual(
      [
        'seriesUid',
        'patientId',
        'patientName',
        'description',
        'studyDate',
        'slices',
        'runState',
        'runId',
        'maxScore',
        'suggestions',
        'status',
      ].sort(),
    );
  });

  it('takes a threshold, and no reader', () => {
    const out = dvt('worklist', '--workspace', fx.wsDir, '--model', fx.model.name, '--threshold', '0.5');
    expect(out.code).toBe(0);
    const w = Worklist.parse(JSON.parse(out.stdout));
    expect(w.readerId).toBeNull();
    expect(w.threshold).toBe(0.5);
    expect(w.rows.map((r) => [r.suggestions, r.status])).toEqual([
      [1, 'not-started'],
      [0, 'not-started'],
    ]);
  });

  it('fails naming the registered models or the readers when one is unknown', () => {
    const model = dvt('worklist', '--workspace', fx.wsDir, '--model', 'nope');
    expect(model.code).toBe(1);
    expect(model.stdout).toBe('');
    expect(model.stderr).toBe(
      `dvt worklist: no model "nope" in this workspace (registered: ${fx.model.name})\n`,
    );
    const who = dvt('worklist', '--workspace', fx.wsDir, '--model', fx.model.name, '--reader', 'Dr Nobody');
    expect(who.code).toBe(1);
    expect(who.stderr).toBe('dvt worklist: no reader "Dr Nobody" in this workspace (readers: Dr CLI)\n');
    const none = dvt('worklist', '--workspace', join(fx.root, 'missing'), '--model', fx.model.name);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no workspace at/);
  });

  it('exits 2 on a usage error', () => {
    for (const args of [
      ['--workspace', fx.wsDir],
      ['--workspace', fx.wsDir, '--model', fx.model.name, '--threshold', '1.5'],
      ['--workspace', fx.wsDir, '--model', fx.model.name, 'extra'],
    ]) {
      const out = dvt('worklist', ...args);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(/^dvt worklist: .*\nusage: dvt worklist --workspace DIR --model NAME/);
    }
  });
});
