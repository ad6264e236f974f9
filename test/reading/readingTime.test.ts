// The reading time of one case (shared/reading/readingTime.ts), one rule at a time.
import { describe, expect, it } from 'vitest';
import { READING_MAX_GAP_S } from '../../src/shared/reading/constants';
import { readingTime, summarizeSeconds } from '../../src/shared/reading/readingTime';
import type { ReadingEvent, ReadingEventKind } from '../../src/shared/reading/schemas';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
/** An event `s` seconds after T0. */
const ev = (kind: ReadingEventKind, s: number, suggestionsShown = false): ReadingEvent => ({
  kind,
  at: new Date(T0 + s * 1000).toISOString(),
  suggestionsShown,
});
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describe('readingTime', () => {
  it('is zero, not done and not assisted without events', () => {
    expect(readingTime([])).toEqual({ seconds: 0, assisted: false, done: false, doneAt: null, timed: false });
  });

  it('counts from open to close, heartbeats extending the interval', () => {
    const t = readingTime([ev('open', 0), ev('heartbeat', 15), ev('heartbeat', 30), ev('close', 42)]);
    expect(t).toEqual({ seconds: 42, assisted: false, done: false, doneAt: null, timed: true });
  });

  it('adds up separate intervals, not the time between them', () => {
    const t = readingTime([ev('open', 0), ev('close', 10), ev('open', 1000), ev('close', 1025)]);
    expect(t.seconds).toBe(35);
  });

  it('takes events in time order, whatever the stored order', () => {
    const t = readingTime([ev('close', 40), ev('heartbeat', 15), ev('open', 0)]);
    expect(t.seconds).toBe(40);
  });

  it(`counts at most ${READING_MAX_GAP_S} s between two events of an interval`, () => {
    const t = readingTime([
      ev('open', 0),
      ev('heartbeat', 15),
      ev('heartbeat', 15 + 3600),
      ev('close', 3630),
    ]);
    expect(t.seconds).toBe(15 + READING_MAX_GAP_S + 15);
    expect(readingTime([ev('open', 0), ev('close', READING_MAX_GAP_S)]).seconds).toBe(READING_MAX_GAP_S);
    expect(readingTime([ev('open', 0), ev('close', 500)], 60).seconds).toBe(60);
  });

  it('ends an interval never closed (a crash) at its last event', () => {
    const t = readingTime([ev('open', 0), ev('heartbeat', 15), ev('heartbeat', 30)]);
    expect(t.seconds).toBe(30);
    // The viewer came back: the new open starts a new interval; the time in between does not count.
    const again = readingTime([ev('open', 0), ev('heartbeat', 15), ev('open', 600), ev('close', 610)]);
    expect(again.seconds).toBe(25);
  });

  it('ignores heartbeats and closes outside an interval (e.g. after a restart with no open)', () => {
    expect(readingTime([ev('heartbeat', 0), ev('heartbeat', 15), ev('close', 20)])).toMatchObject({
      seconds: 0,
      timed: false,
    });
    const t = readingTime([ev('open', 0), ev('close', 10), ev('heartbeat', 25), ev('close', 40)]);
    expect(t.seconds).toBe(10);
  });

  it('ends the interval at done, and gives done and its time', () => {
    const t = readingTime([ev('open', 0), ev('heartbeat', 15), ev('done', 20), ev('close', 30)]);
    expect(t).toEqual({ seconds: 20, assisted: false, done: true, doneAt: at(20), timed: true });
  });

  it('counts a done case up to its last done; a reopened look that was not finished is not counted', () => {
    const events = [
      ev('open', 0),
      ev('done', 60),
      ev('open', 100, true),
      ev('heartbeat', 115, true),
      ev('close', 130, true),
    ];
    // The second look is left out whole, its suggestions included.
    expect(readingTime(events)).toEqual({
      seconds: 60,
      assisted: false,
      done: true,
      doneAt: at(60),
      timed: true,
    });
    // Marked done again: everything up to that done counts.
    const redone = readingTime([...events, ev('open', 200), ev('done', 210)]);
    expect(redone).toEqual({
      seconds: 60 + 30 + 10,
      assisted: true,
      done: true,
      doneAt: at(210),
      timed: true,
    });
  });

  it('counts nothing for a done with no open interval, but the case is done (and was not timed)', () => {
    expect(readingTime([ev('done', 5)])).toEqual({
      seconds: 0,
      assisted: false,
      done: true,
      doneAt: at(5),
      timed: false,
    });
    // An open that lasted no time still says the case was timed.
    expect(readingTime([ev('open', 0), ev('done', 0)])).toMatchObject({ seconds: 0, timed: true });
  });

  it('is assisted when any counted event said suggestions were shown', () => {
    expect(readingTime([ev('open', 0), ev('heartbeat', 15, true), ev('close', 20)]).assisted).toBe(true);
    expect(readingTime([ev('open', 0, true), ev('close', 20)]).assisted).toBe(true);
    expect(readingTime([ev('open', 0), ev('close', 20, true)]).assisted).toBe(true);
    expect(readingTime([ev('open', 0), ev('close', 20)]).assisted).toBe(false);
    // Events that count nothing (outside an interval) do not make it assisted.
    expect(readingTime([ev('heartbeat', 0, true), ev('open', 10), ev('close', 20)]).assisted).toBe(false);
  });

  it('keeps the stored order of events with the same time', () => {
    expect(readingTime([ev('open', 0), ev('close', 10), ev('open', 10), ev('close', 20)]).seconds).toBe(20);
  });
});

describe('summarizeSeconds', () => {
  it('gives the median and the mean', () => {
    expect(summarizeSeconds([])).toEqual({ median: null, mean: null });
    expect(summarizeSeconds([30])).toEqual({ median: 30, mean: 30 });
    expect(summarizeSeconds([90, 10, 30])).toEqual({ median: 30, mean: 130 / 3 });
    expect(summarizeSeconds([40, 10, 20, 100])).toEqual({ median: 30, mean: 42.5 });
  });
});
