// The reading clock: what the viewer tells main about the case a reader has open, so that reading time
// can be measured per case and reader, with and without the model's suggestions. `open` when a case is
// shown, a `heartbeat` every READING_HEARTBEAT_S while it stays open and the page visible (and at once
// when the suggestions are shown or hidden), `close` when another case, reader or mode is chosen or the
// page is hidden or left. Main adds `done` when the case is marked done and turns the events into
// times (shared/reading/readingTime.ts). Plain TypeScript with the timer passed in, so that the rules
// can be checked without a browser.
import type { ReaderId } from '../annotation/schemas';
import type { SeriesUid } from '../ids';
import { READING_HEARTBEAT_S } from './constants';

export type ClockEventKind = 'open' | 'close' | 'heartbeat';

export interface ReadCase {
  seriesUid: SeriesUid;
  readerId: ReaderId;
}

/** What the clock is told each time anything it depends on changes. */
export interface ClockInput {
  /** The case a reader has open in the Read view, or null. */
  case: ReadCase | null;
  /** The page is visible (document.visibilityState). */
  visible: boolean;
  /** The model's suggestions are on screen. */
  suggestionsShown: boolean;
}

export type ClockSend = (kind: ClockEventKind, c: ReadCase, suggestionsShown: boolean) => void;

/** Calls `fn` every `ms` until the returned function is called. */
export type Every = (ms: number, fn: () => void) => () => void;

export const browserEvery: Every = (ms, fn) => {
  const timer = setInterval(fn, ms);
  return () => clearInterval(timer);
};

const sameCase = (a: ReadCase, b: ReadCase): boolean =>
  a.seriesUid === b.seriesUid && a.readerId === b.readerId;

export class ReadingClock {
  private open: ReadCase | null = null;
  private shown = false;
  private stopBeat: (() => void) | null = null;

  constructor(
    private readonly send: ClockSend,
    private readonly every: Every = browserEvery,
    private readonly heartbeatMs = READING_HEARTBEAT_S * 1000,
  ) {}

  /** The case open now, if any. */
  get current(): ReadCase | null {
    return this.open;
  }

  update(input: ClockInput): void {
    const want = input.visible ? input.case : null;
    if (this.open && (!want || !sameCase(this.open, want))) this.close();
    if (!want) return;
    if (!this.open) {
      this.open = want;
      this.shown = input.suggestionsShown;
      this.send('open', want, this.shown);
      this.stopBeat = this.every(this.heartbeatMs, () => {
        if (this.open) this.send('heartbeat', this.open, this.shown);
      });
      return;
    }
    if (input.suggestionsShown !== this.shown) {
      this.shown = input.suggestionsShown;
      this.send('heartbeat', this.open, this.shown);
    }
  }

  /** Closes the open case (page hidden or left, app closed); a later update opens it again. */
  close(): void {
    this.stopBeat?.();
    this.stopBeat = null;
    const c = this.open;
    this.open = null;
    if (c) this.send('close', c, this.shown);
  }
}
