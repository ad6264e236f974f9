// The reading clock on a real workspace: viewer events through 'reading:event', the `done` that
// 'cases:set' records, and 'reading:times'. Only Date is faked, so that the times are known.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../src/main/services/handlers';
import type { Reader } from '../../src/shared/annotation/schemas';
import { READING_MAX_GAP_S } from '../../src/shared/reading/constants';
import { ReadingTime } from '../../src/shared/reading/schemas';
import {
  annotationWorkspace,
  call,
  refused,
  type AnnotationFixture,
  type FixtureSeries,
} from '../annotation/fixture';

let fx: AnnotationFixture;
let h: Handlers;
let drA: Reader;
let drB: Reader;
let s0: FixtureSeries;
let s1: FixtureSeries;

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
/** A viewer event `s` seconds after T0. */
async function event(
  s: number,
  series: FixtureSeries,
  reader: Reader,
  kind: 'open' | 'close' | 'heartbeat',
  suggestionsShown = false,
): Promise<boolean> {
  vi.setSystemTime(T0 + s * 1000);
  return (
    await call(h, 'reading:event', { seriesUid: series.uid, readerId: reader.id, kind, suggestionsShown })
  ).recorded;
}
async function setStatus(s: number, series: FixtureSeries, reader: Reader, status: 'done' | 'in-progress') {
  vi.setSystemTime(T0 + s * 1000);
  return call(h, 'cases:set', { seriesUid: series.uid, readerId: reader.id, status });
}
const eventKinds = (series: FixtureSeries, reader: Reader) =>
  fx.ws.db
    .prepare<[string, number], { kind: string }>(
      'SELECT kind FROM reading_events WHERE series_uid = ? AND reader_id = ? ORDER BY id',
    )
    .all(series.uid, reader.id)
    .map((r) => r.kind);

beforeAll(async () => {
  fx = await annotationWorkspace(2, 10);
  h = fx.handlers;
  [s0, s1] = fx.series as [FixtureSeries, FixtureSeries];
  drA = await call(h, 'readers:add', { name: 'Dr A' });
  drB = await call(h, 'readers:add', { name: 'Dr B' });
  vi.useFakeTimers({ toFake: ['Date'] });
}, 120_000);

afterAll(async () => {
  vi.useRealTimers();
  await fx.ws.close();
  rmSync(fx.root, { recursive: true, force: true });
});

describe('reading clock', () => {
  it('records open, heartbeats and close; a heartbeat or close of a case not open is not recorded', async () => {
    expect(await event(0, s0, drA, 'heartbeat')).toBe(false);
    expect(await event(1, s0, drA, 'close')).toBe(false);
    expect(eventKinds(s0, drA)).toEqual([]);
    expect(await event(10, s0, drA, 'open', true)).toBe(true);
    expect(await event(25, s0, drA, 'heartbeat', true)).toBe(true);
    expect(await event(40, s0, drA, 'heartbeat', true)).toBe(true);
    expect(await event(52, s0, drA, 'close', true)).toBe(true);
    expect(await event(60, s0, drA, 'heartbeat', true)).toBe(false);
    expect(eventKinds(s0, drA)).toEqual(['open', 'heartbeat', 'heartbeat', 'close']);
    const times = await call(h, 'reading:times', {});
    expect(times).toEqual([
      {
        seriesUid: s0.uid,
        readerId: drA.id,
        readerName: 'Dr A',
        seconds: 42,
        assisted: true,
        done: false,
        doneAt: null,
      },
    ]);
    for (const t of times) expect(ReadingTime.safeParse(t).success).toBe(true);
  });

  it('stops the clock when the case is marked done (cases:set records the done), once', async () => {
    await event(100, s1, drA, 'open');
    await event(115, s1, drA, 'heartbeat');
    await setStatus(130, s1, drA, 'done');
    expect(eventKinds(s1, drA)).toEqual(['open', 'heartbeat', 'done']);
    // Done again is a no-op: no second done.
    await setStatus(140, s1, drA, 'done');
    expect(eventKinds(s1, drA)).toEqual(['open', 'heartbeat', 'done']);
    const [t] = await call(h, 'reading:times', { readerId: drA.id }).then((all) =>
      all.filter((x) => x.seriesUid === s1.uid),
    );
    expect(t).toMatchObject({ seconds: 30, assisted: false, done: true, doneAt: at(130) });
  });

  it('does not count a reopened look that was not finished, and counts it once done again', async () => {
    await setStatus(200, s1, drA, 'in-progress');
    expect(await event(210, s1, drA, 'open', true)).toBe(true);
    await event(225, s1, drA, 'heartbeat', true);
    await event(235, s1, drA, 'close', true);
    const times = () =>
      call(h, 'reading:times', { readerId: drA.id }).then((all) => all.find((x) => x.seriesUid === s1.uid)!);
    expect(await times()).toMatchObject({ seconds: 30, assisted: false, done: true, doneAt: at(130) });
    await event(300, s1, drA, 'open', true);
    await setStatus(310, s1, drA, 'done');
    expect(await times()).toMatchObject({
      seconds: 30 + 25 + 10,
      assisted: true,
      done: true,
      doneAt: at(310),
    });
  });

  it(`counts at most ${READING_MAX_GAP_S} s of silence, and a crashed session up to its last event`, async () => {
    await event(1000, s0, drB, 'open');
    await event(1015, s0, drB, 'heartbeat');
    await event(1015 + 3600, s0, drB, 'heartbeat');
    await event(1015 + 3610, s0, drB, 'heartbeat');
    // The app died here; it comes back and opens the case again.
    await event(9000, s0, drB, 'open');
    await event(9020, s0, drB, 'close');
    const [t] = await call(h, 'reading:times', { readerId: drB.id });
    expect(t).toMatchObject({
      seriesUid: s0.uid,
      readerName: 'Dr B',
      seconds: 15 + READING_MAX_GAP_S + 10 + 20,
    });
  });

  it('a done case with no open interval is done with no time, and not assisted', async () => {
    await setStatus(20_000, s1, drB, 'done');
    const t = (await call(h, 'reading:times', { readerId: drB.id })).find((x) => x.seriesUid === s1.uid);
    expect(t).toMatchObject({ seconds: 0, done: true, doneAt: at(20_000), assisted: false });
  });

  it("lists every reader's cases with events, and refuses unknown readers and series", async () => {
    const all = await call(h, 'reading:times', {});
    expect(all.map((t) => [t.readerName, t.seriesUid]).sort()).toEqual(
      [
        ['Dr A', s0.uid],
        ['Dr A', s1.uid],
        ['Dr B', s0.uid],
        ['Dr B', s1.uid],
      ].sort(),
    );
    expect((await refused(h, 'reading:times', { readerId: 999 })).code).toBe('not-found');
    const noReader = await refused(h, 'reading:event', {
      seriesUid: s0.uid,
      readerId: 999,
      kind: 'open',
      suggestionsShown: false,
    });
    expect(noReader).toEqual({ code: 'not-found', message: 'no reader 999 in this workspace' });
    const noSeries = await refused(h, 'reading:event', {
      seriesUid: '1.2.3.999',
      readerId: drA.id,
      kind: 'open',
      suggestionsShown: false,
    });
    expect(noSeries).toEqual({ code: 'not-found', message: 'no series 1.2.3.999 in this workspace' });
    // Main alone writes `done`.
    const done = await refused(h, 'reading:event', {
      seriesUid: s0.uid,
      readerId: drA.id,
      kind: 'done',
      suggestionsShown: false,
    });
    expect(done.code).toBe('invalid-input');
  });

  it('records no done when marking the case done is refused', async () => {
    const before = eventKinds(s1, drA);
    expect(before.at(-1)).toBe('done');
    // A done case is locked: a note with 'done' again is refused, and no second done is written.
    const locked = await refused(h, 'cases:set', {
      seriesUid: s1.uid,
      readerId: drA.id,
      status: 'done',
      note: 'x',
    });
    expect(locked.message).toMatch(/case is done/);
    expect(eventKinds(s1, drA)).toEqual(before);
  });
});
