// The reading clock (channels 'reading:event', 'reading:times'): the viewer's open / close / heartbeat
// events and main's `done`, stored as they come; reading times are computed from them
// (shared/reading/readingTime.ts), never stored.
import { ReaderId } from '../../shared/annotation/schemas';
import { SeriesUid } from '../../shared/ids';
import type { ReadingEvent, ReadingTime } from '../../shared/reading/schemas';
import { readingTime, type CaseReadingTime } from '../../shared/reading/readingTime';
import { checkSeries, readerOf, type ReadingContext } from './context';
import type { EventRow } from './readingStore';

/**
 * Stores a viewer event. A `heartbeat` or `close` while the case is not open for this reader (no
 * event yet, or the last one a `close` or `done`) is not stored — readingTime would ignore it — and
 * answers `recorded: false`, which tells the viewer to send `open` first.
 */
export function recordEvent(
  ctx: ReadingContext,
  input: {
    seriesUid: string;
    readerId: number;
    kind: 'open' | 'close' | 'heartbeat';
    suggestionsShown: boolean;
  },
): { recorded: boolean } {
  checkSeries(ctx, input.seriesUid);
  readerOf(ctx, input.readerId);
  return ctx.store.write(() => {
    if (input.kind !== 'open' && !isOpen(ctx, input.seriesUid, input.readerId)) return { recorded: false };
    insert(ctx, input.seriesUid, input.readerId, input.kind, input.suggestionsShown);
    return { recorded: true };
  });
}

/**
 * Main's `done`, written in the transaction that marks the case done. It takes whether suggestions
 * were shown from the open interval it ends (false when the case was not open).
 */
export function recordDone(ctx: ReadingContext, seriesUid: string, readerId: number): void {
  const last = ctx.store.lastEvent(seriesUid, readerId);
  const shown = last !== undefined && isOpenAfter(last) && last.suggestions_shown === 1;
  insert(ctx, seriesUid, readerId, 'done', shown);
}

/** Reading time of every case with events (of one reader, or of all), with the readers' names. */
export function readingTimes(ctx: ReadingContext, readerId: number | null): ReadingTime[] {
  if (readerId !== null) readerOf(ctx, readerId);
  const names = new Map(ctx.store.readers().map((r) => [r.id, r.name]));
  return [...caseTimes(ctx, readerId)].map(([key, time]) => {
    const [reader, series] = splitKey(key);
    return {
      seriesUid: SeriesUid.parse(series),
      readerId: ReaderId.parse(reader),
      readerName: names.get(reader) ?? String(reader),
      seconds: time.seconds,
      assisted: time.assisted,
      done: time.done,
      doneAt: time.doneAt,
    };
  });
}

/** Reading time per case (key: caseKey(reader, series)), in reader then series order. */
export function caseTimes(ctx: ReadingContext, readerId: number | null): Map<string, CaseReadingTime> {
  const grouped = new Map<string, ReadingEvent[]>();
  for (const row of ctx.store.events(readerId)) {
    const key = caseKey(row.reader_id, row.series_uid);
    let events = grouped.get(key);
    if (!events) grouped.set(key, (events = []));
    events.push({ kind: row.kind, at: row.at, suggestionsShown: row.suggestions_shown === 1 });
  }
  return new Map([...grouped].map(([key, events]) => [key, readingTime(events)]));
}

export const caseKey = (readerId: number, seriesUid: string): string => `${readerId} ${seriesUid}`;
const splitKey = (key: string): [number, string] => {
  const space = key.indexOf(' ');
  return [Number(key.slice(0, space)), key.slice(space + 1)];
};

const isOpenAfter = (last: EventRow): boolean => last.kind === 'open' || last.kind === 'heartbeat';

function isOpen(ctx: ReadingContext, seriesUid: string, readerId: number): boolean {
  const last = ctx.store.lastEvent(seriesUid, readerId);
  return last !== undefined && isOpenAfter(last);
}

function insert(
  ctx: ReadingContext,
  seriesUid: string,
  readerId: number,
  kind: EventRow['kind'],
  suggestionsShown: boolean,
): void {
  ctx.store.insertEvent({
    series_uid: seriesUid,
    reader_id: readerId,
    kind,
    at: ctx.now(),
    suggestions_shown: suggestionsShown ? 1 : 0,
  });
}
