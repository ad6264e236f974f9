// What the viewer reports to main about the case open (src/shared/reading/readingClock.ts), with a
// fake timer: open, heartbeats while open and visible, a heartbeat when the suggestions are shown or
// hidden, close on another case, another reader, a hidden page or nothing open.
import { describe, expect, it } from 'vitest';
import type { ReaderId } from '../../src/shared/annotation/schemas';
import type { SeriesUid } from '../../src/shared/ids';
import { ReadingClock, type ClockEventKind, type ReadCase } from '../../src/shared/reading/readingClock';

const A: ReadCase = { seriesUid: '1.2.3' as SeriesUid, readerId: 1 as ReaderId };
const B: ReadCase = { seriesUid: '1.2.4' as SeriesUid, readerId: 1 as ReaderId };
const A2: ReadCase = { seriesUid: '1.2.3' as SeriesUid, readerId: 2 as ReaderId };

function clock() {
  const sent: [ClockEventKind, string, number, boolean][] = [];
  const timers: { ms: number; fn: () => void; stopped: boolean }[] = [];
  const c = new ReadingClock(
    (kind, rc, shown) => sent.push([kind, rc.seriesUid, rc.readerId, shown]),
    (ms, fn) => {
      const t = { ms, fn, stopped: false };
      timers.push(t);
      return () => (t.stopped = true);
    },
  );
  const tick = () => timers.filter((t) => !t.stopped).forEach((t) => t.fn());
  return { c, sent, timers, tick };
}

describe('ReadingClock', () => {
  it('opens a case, beats every 15 s while it stays open, and closes it when nothing is open', () => {
    const { c, sent, timers, tick } = clock();
    c.update({ case: A, visible: true, suggestionsShown: true });
    expect(timers.map((t) => t.ms)).toEqual([15_000]);
    tick();
    tick();
    c.update({ case: A, visible: true, suggestionsShown: true }); // nothing changed: nothing sent
    c.update({ case: null, visible: true, suggestionsShown: true });
    tick(); // the timer is stopped
    expect(sent).toEqual([
      ['open', '1.2.3', 1, true],
      ['heartbeat', '1.2.3', 1, true],
      ['heartbeat', '1.2.3', 1, true],
      ['close', '1.2.3', 1, true],
    ]);
    expect(c.current).toBeNull();
  });

  it('sends a heartbeat at once when the suggestions are shown or hidden', () => {
    const { c, sent } = clock();
    c.update({ case: A, visible: true, suggestionsShown: false });
    c.update({ case: A, visible: true, suggestionsShown: true });
    c.update({ case: A, visible: true, suggestionsShown: false });
    expect(sent.map((s) => [s[0], s[3]])).toEqual([
      ['open', false],
      ['heartbeat', true],
      ['heartbeat', false],
    ]);
  });

  it('closes one case before opening the next, and treats another reader as another case', () => {
    const { c, sent, timers } = clock();
    c.update({ case: A, visible: true, suggestionsShown: false });
    c.update({ case: B, visible: true, suggestionsShown: false });
    c.update({ case: A2, visible: true, suggestionsShown: false });
    expect(sent.map((s) => `${s[0]} ${s[1]} ${s[2]}`)).toEqual([
      'open 1.2.3 1',
      'close 1.2.3 1',
      'open 1.2.4 1',
      'close 1.2.4 1',
      'open 1.2.3 2',
    ]);
    expect(timers.filter((t) => !t.stopped)).toHaveLength(1);
  });

  it('closes while the page is hidden and opens again when it is visible', () => {
    const { c, sent } = clock();
    c.update({ case: A, visible: true, suggestionsShown: false });
    c.update({ case: A, visible: false, suggestionsShown: false });
    c.update({ case: A, visible: true, suggestionsShown: false });
    c.close();
    c.close(); // a second close sends nothing
    expect(sent.map((s) => s[0])).toEqual(['open', 'close', 'open', 'close']);
  });
});
