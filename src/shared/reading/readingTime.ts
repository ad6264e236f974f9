// The reading time of one case by one reader, computed from the events the viewer reported (and the
// `done` main added). Plain functions (zod-free, so the renderer may use them too).
//
// Rules:
// 1. Events are taken in time order (events with the same time keep their stored order).
// 2. An `open` starts an interval; `close` or `done` ends it; any other event inside an open interval
//    (a `heartbeat`) extends it.
// 3. Between two consecutive events of an interval at most READING_MAX_GAP_S counts: a reader who left
//    the case open and went away is not reading (a laptop asleep sends no heartbeats).
// 4. An interval never closed (the app crashed or was killed) ends at its last event; an `open` while
//    an interval is open ends the open one there too (the viewer restarted) and starts a new one.
// 5. A `heartbeat` or `close` outside an interval is ignored: it starts nothing (a heartbeat after a
//    crash and restart, with no `open` since, says nothing about when reading began).
// 6. A case marked done counts up to its LAST `done`: events after it are not counted. A case reopened
//    after that and not marked done again still counts as done at that last `done`, with the time
//    read until then: the time spent on a reopened case is a second look whose end is unknown, and
//    counting it without an end would mix finished and unfinished readings.
// 7. `assisted`: an event of a counted interval (one that began before the last `done`, or any when
//    the case is not done) said suggestions were shown.
// 8. `done` / `doneAt`: whether there is a `done` event, and the time of the last one.
// 9. `timed`: an interval was counted (an `open` before the last `done`). A case marked done without
//    the viewer's clock running (a `done` alone) has 0 s but was not timed: summaries leave it out.
import { READING_MAX_GAP_S } from './constants';
import type { ReadingEvent } from './schemas';

export interface CaseReadingTime {
  seconds: number;
  assisted: boolean;
  done: boolean;
  doneAt: string | null;
  /** An interval was counted: the case was timed (a `done` alone, with no `open`, was not). */
  timed: boolean;
}

export function readingTime(
  events: readonly ReadingEvent[],
  maxGapS: number = READING_MAX_GAP_S,
): CaseReadingTime {
  // Stored times are main's own ISO strings; an unreadable one could only come from a damaged row and
  // is left out rather than poisoning the sum with NaN.
  const inOrder = events
    .map((e, order) => ({ e, t: Date.parse(e.at), order }))
    .filter((x) => Number.isFinite(x.t))
    .sort((a, b) => a.t - b.t || a.order - b.order);
  let lastDone = -1;
  inOrder.forEach((x, i) => {
    if (x.e.kind === 'done') lastDone = i;
  });
  const counted = lastDone >= 0 ? inOrder.slice(0, lastDone + 1) : inOrder;

  const maxGapMs = maxGapS * 1000;
  let ms = 0;
  let assisted = false;
  let timed = false;
  let last: number | null = null; // time of the open interval's latest event; null: none open
  for (const { e, t } of counted) {
    if (e.kind === 'open') {
      last = t;
      timed = true;
      assisted ||= e.suggestionsShown;
      continue;
    }
    if (last === null) continue;
    ms += Math.min(t - last, maxGapMs);
    assisted ||= e.suggestionsShown;
    last = e.kind === 'heartbeat' ? t : null;
  }
  const done = lastDone >= 0 ? inOrder[lastDone]!.e : null;
  return { seconds: ms / 1000, assisted, done: done !== null, doneAt: done?.at ?? null, timed };
}

/** Median and mean of reading times in seconds; null for no times. */
export function summarizeSeconds(seconds: readonly number[]): { median: number | null; mean: number | null } {
  if (seconds.length === 0) return { median: null, mean: null };
  const sorted = [...seconds].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}
