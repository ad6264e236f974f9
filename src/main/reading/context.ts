// What the reading services share for one open workspace: its store (statements prepared once), the
// annotation service that owns readers' boxes and case states, and the clock.
import type { Reader } from '../../shared/annotation/schemas';
import { annotationsOf } from '../annotation/handlers';
import type { AnnotationService } from '../annotation/annotationService';
import { readerById } from '../evaluation/buildDataset';
import { evaluationStoreOf } from '../evaluation/handlers';
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

/** The reader of that id, or NotFoundError (the evaluation's lookup). */
export function readerOf(ctx: ReadingContext, readerId: number): Reader {
  return readerById(evaluationStoreOf(ctx.ws), readerId);
}

/** NotFoundError unless the series is in the catalog. */
export function checkSeries(ctx: ReadingContext, seriesUid: string): void {
  if (!ctx.ws.catalog.series(seriesUid)) throw new NotFoundError(`no series ${seriesUid} in this workspace`);
}
