// 'evaluation:readers' on a real workspace, against numbers counted by hand: a reference reader's
// boxes, readers' boxes drawn through 'annotations:create', cases marked done through 'cases:set', and
// reading events (with and without suggestions shown) through 'reading:event'.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../src/main/services/handlers';
import type { Reader } from '../../src/shared/annotation/schemas';
import { ReaderComparison } from '../../src/shared/reading/schemas';
import {
  annotationWorkspace,
  call,
  refused,
  type AnnotationFixture,
  type FixtureSeries,
} from '../annotation/fixture';
import { pixelBox } from './fixture';

let fx: AnnotationFixture;
let h: Handlers;
let reference: Reader;
let drX: Reader;
let drZ: Reader;
let s0: FixtureSeries;
let s1: FixtureSeries;

const T0 = Date.parse('2026-03-03T08:00:00.000Z');
async function boxes(
  reader: Reader,
  series: FixtureSeries,
  list: [number, [number, number, number, number]][],
) {
  await call(h, 'annotations:create', {
    seriesUid: series.uid,
    readerId: reader.id,
    boxes: list.map(([slice, b]) => ({
      sopInstanceUid: series.sops[slice]!,
      label: 'DVT',
      box: pixelBox(...b),
    })),
  });
}
async function event(
  s: number,
  series: FixtureSeries,
  reader: Reader,
  kind: 'open' | 'close',
  shown: boolean,
) {
  vi.setSystemTime(T0 + s * 1000);
  await call(h, 'reading:event', {
    seriesUid: series.uid,
    readerId: reader.id,
    kind,
    suggestionsShown: shown,
  });
}
const done = (series: FixtureSeries, reader: Reader, status: 'done' | 'in-progress' = 'done') =>
  call(h, 'cases:set', { seriesUid: series.uid, readerId: reader.id, status });

beforeAll(async () => {
  fx = await annotationWorkspace(2, 10);
  h = fx.handlers;
  [s0, s1] = fx.series as [FixtureSeries, FixtureSeries];
  vi.useFakeTimers({ toFake: ['Date'] });
  reference = await call(h, 'readers:add', { name: 'Reference' });
  drX = await call(h, 'readers:add', { name: 'Dr X' });
  const drY = await call(h, 'readers:add', { name: 'Dr Y' });
  drZ = await call(h, 'readers:add', { name: 'Dr Z' });
  const drW = await call(h, 'readers:add', { name: 'Dr W' });

  // Reference: two thrombi on the first series, one on the second (a reference reader's own done
  // cases are not compared).
  await boxes(reference, s0, [
    [2, [100, 100, 140, 130]],
    [5, [200, 200, 230, 240]],
  ]);
  await boxes(reference, s1, [[3, [300, 300, 330, 330]]]);
  await done(s0, reference);

  // Dr X, with suggestions shown on the first series (60 s): finds one thrombus (IoU ≈ 0.86), misses
  // the other, marks a false one. Without suggestions on the second (30 s): finds its thrombus.
  await event(0, s0, drX, 'open', true);
  await boxes(drX, s0, [
    [2, [102, 101, 141, 131]],
    [7, [50, 50, 70, 70]],
  ]);
  await event(60, s0, drX, 'close', true);
  await done(s0, drX);
  await event(100, s1, drX, 'open', false);
  await boxes(drX, s1, [[3, [300, 300, 330, 330]]]);
  await event(130, s1, drX, 'close', false);
  await done(s1, drX);

  // Dr Y draws but finishes nothing; Dr W finished a case and reopened it: neither is compared.
  await boxes(drY, s0, [[2, [100, 100, 140, 130]]]);
  await done(s1, drW);
  await done(s1, drW, 'in-progress');
  // Dr Z marks the second series done without the reading clock (no events) and without boxes.
  await done(s1, drZ);
  vi.useRealTimers();
}, 120_000);

afterAll(async () => {
  await fx.ws.close();
  rmSync(fx.root, { recursive: true, force: true });
});

describe('evaluation:readers', () => {
  it("gives each other reader's operating point on their done cases: all, assisted, unassisted", async () => {
    const c = await call(h, 'evaluation:readers', { referenceReaderId: reference.id, resamples: 0 });
    expect(ReaderComparison.safeParse(c).success).toBe(true);
    expect(c).toMatchObject({
      referenceReaderId: reference.id,
      unit: 'slices',
      iouThreshold: 0.1,
      resamples: 0,
    });
    expect(c.readers.map((r) => r.name)).toEqual(['Dr X', 'Dr Z']);
    const noCi = { sensitivityCi: null, fppiCi: null };
    expect(c.readers[0]).toEqual({
      readerId: drX.id,
      name: 'Dr X',
      all: {
        cases: 2,
        images: 20,
        tp: 2,
        fp: 1,
        fn: 1,
        sensitivity: 2 / 3,
        fppi: 1 / 20,
        precision: 2 / 3,
        ...noCi,
        medianSeconds: 45,
        meanSeconds: 45,
      },
      assisted: {
        cases: 1,
        images: 10,
        tp: 1,
        fp: 1,
        fn: 1,
        sensitivity: 0.5,
        fppi: 0.1,
        precision: 0.5,
        ...noCi,
        medianSeconds: 60,
        meanSeconds: 60,
      },
      unassisted: {
        cases: 1,
        images: 10,
        tp: 1,
        fp: 0,
        fn: 0,
        sensitivity: 1,
        fppi: 0,
        precision: 1,
        ...noCi,
        medianSeconds: 30,
        meanSeconds: 30,
      },
    });
    // Done without the clock running (its only event is the done): unassisted, and no reading time.
    expect(c.readers[1]).toEqual({
      readerId: drZ.id,
      name: 'Dr Z',
      all: expect.objectContaining({
        cases: 1,
        tp: 0,
        fp: 0,
        fn: 1,
        sensitivity: 0,
        precision: null,
      }) as unknown,
      assisted: null,
      unassisted: expect.objectContaining({ cases: 1, medianSeconds: null, meanSeconds: null }) as unknown,
    });
  });

  it('adds patient-bootstrap intervals (1000 resamples, seed 1 by default)', async () => {
    const c = await call(h, 'evaluation:readers', { referenceReaderId: reference.id });
    expect(c.resamples).toBe(1000);
    const x = c.readers[0]!;
    // Two patients: resamples hold the first twice (1/2, FPPI 0.1), the second twice (1, 0) or both (2/3, 0.05).
    expect(x.all!.sensitivityCi).toEqual({ low: 0.5, high: 1 });
    expect(x.all!.fppiCi).toEqual({ low: 0, high: 0.1 });
    // One patient: every resample is the sample itself.
    expect(x.assisted!.sensitivityCi).toEqual({ low: 0.5, high: 0.5 });
    expect(await call(h, 'evaluation:readers', { referenceReaderId: reference.id, seed: 1 })).toEqual(c);
  });

  it("evaluates the paper's patches around the reference boxes and veins when asked", async () => {
    const c = await call(h, 'evaluation:readers', {
      referenceReaderId: reference.id,
      unit: 'patches',
      resamples: 0,
    });
    expect(ReaderComparison.safeParse(c).success).toBe(true);
    expect(c.unit).toBe('patches');
    const { all, assisted, unassisted } = c.readers[0]!;
    // Each reference thrombus has a patch centred on it, where Dr X's matching boxes lie whole; the
    // missed one stays missed. Overlapping patches (around the veins) may hold a box more than once.
    expect(all!.cases).toBe(2);
    expect(all!.tp).toBeGreaterThanOrEqual(2);
    expect(all!.fn).toBeGreaterThanOrEqual(1);
    expect(all!.images).toBeGreaterThan(3);
    expect(assisted!.tp).toBeGreaterThanOrEqual(1);
    expect(unassisted!.fn).toBe(0);
    // Patches are per slice: the cases' patches add up.
    for (const k of ['images', 'tp', 'fp', 'fn'] as const)
      expect(all![k]).toBe(assisted![k] + unassisted![k]);
    expect(c.readers[1]!.all).toMatchObject({ tp: 0, fp: 0 });
  });

  it('refuses an unknown reference reader and a seed the bootstrap cannot take', async () => {
    expect(await refused(h, 'evaluation:readers', { referenceReaderId: 999 })).toEqual({
      code: 'not-found',
      message: 'no reader 999 in this workspace',
    });
    const seed = await refused(h, 'evaluation:readers', { referenceReaderId: reference.id, seed: 2 ** 32 });
    expect(seed.code).toBe('invalid-input');
    expect(seed.message).toMatch(/seed 4294967296 is too large/);
  });
});
