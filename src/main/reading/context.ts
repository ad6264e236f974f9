// What the reading services share for one open workspace: its store (statements prepared once), the
// annotation service that owns readers' boxes and case states, and the clock.
import { ReaderId, type Reader } from '../../shared/annotation/schemas';
import { annotationsOf } from '../annotation/handlers';
import type { AnnotationService } from '../annotation/annotationService';
import { NotFoundError } from '../services/errors';
import type { Workspace } from '../workspace/workspace';
import { createReadingStore, type ReadingStore } from './readingStore';

export type ReadingWorkspace = Pick<Workspace, 'db' | 'catalog' | 'inference'>;

export interface ReadingContext {
  ws: ReadingWorkspace;
  store: ReadingStore;
  annotations: AnnotationService;
  /** ISO 8601 (UTC). */
  now: () => string;
}

const contexts = new WeakMap<Workspace['db'], ReadingContext>();

export function readingContextOf(ws: ReadingWorkspace): ReadingContext {
  let ctx = contexts.get(ws.db);
  if (!ctx) {
    ctx = {
      ws,
      store: createReadingStore(ws.db),
      annotations: annotationsOf(ws),
      now: () => new Date().toISOString(),
    };
    contexts.set(ws.db, ctx);
  }
  return ctx;
}

/** The reader of that id, or NotFoundError. */
export function readerOf(ctx: ReadingContext, readerId: number): Reader {
  const row = ctx.store.reader(readerId);
  if (!row) throw new NotFoundError(`no reader ${readerId} in this workspace`);
  return { id: ReaderId.parse(row.id), name: row.name };
}

/** NotFoundError unless the series is in the catalog. */
export function checkSeries(ctx: ReadingContext, seriesUid: string): void {
  if (!ctx.ws.catalog.series(seriesUid)) throw new NotFoundError(`no series ${seriesUid} in this workspace`);
}
