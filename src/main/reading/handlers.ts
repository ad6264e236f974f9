// The AI-assisted reading channels of the IPC contract, and the two channels of other domains that
// reading hooks into: 'catalog:import' (runs the auto-run model on what was imported) and 'cases:set'
// (a case marked done stops its reading clock).
import type { CaseState, CaseUpdate } from '../../shared/annotation/schemas';
import type { ImportReport } from '../../shared/catalog/schemas';
import { DEFAULT_SUGGESTION_THRESHOLD } from '../../shared/reading/constants';
import { importPaths } from '../import/importPaths';
import type { Handlers } from '../services/handlers';
import type { Workspace } from '../workspace/workspace';
import { readingContextOf, type ReadingWorkspace } from './context';
import { compareReaders } from './readerComparison';
import { readingTimes, recordDone, recordEvent } from './readingClock';
import {
  acceptSuggestion,
  listSuggestions,
  provenanceOf,
  rejectSuggestion,
  undoDecision,
} from './suggestions';
import { autoRun, buildWorklist, enqueueAutoRun, setAutoRun } from './worklist';

export type ReadingChannel =
  | 'worklist:get'
  | 'worklist:autorun-get'
  | 'worklist:autorun-set'
  | 'suggestions:list'
  | 'suggestions:accept'
  | 'suggestions:reject'
  | 'suggestions:undo'
  | 'suggestions:provenance'
  | 'reading:event'
  | 'reading:times'
  | 'evaluation:readers';

// The services are synchronous (SQLite); each handler runs them inside the promise so that a thrown
// refusal reaches `dispatch` as a rejection it maps to a result.
const run = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));

export function readingHandlers(ws: ReadingWorkspace): Pick<Handlers, ReadingChannel> {
  const ctx = readingContextOf(ws);
  return {
    'worklist:get': ({ modelId, readerId, threshold }) =>
      run(() => buildWorklist(ctx, modelId, readerId ?? null, threshold ?? DEFAULT_SUGGESTION_THRESHOLD)),
    'worklist:autorun-get': () => run(() => autoRun(ctx)),
    'worklist:autorun-set': ({ modelId }) => run(() => setAutoRun(ctx, modelId)),
    'suggestions:list': ({ seriesUid, readerId, runId, threshold }) =>
      run(() =>
        listSuggestions(ctx, {
          seriesUid,
          readerId,
          runId,
          threshold: threshold ?? DEFAULT_SUGGESTION_THRESHOLD,
        }),
      ),
    'suggestions:accept': (input) => run(() => acceptSuggestion(ctx, input)),
    'suggestions:reject': (input) => run(() => rejectSuggestion(ctx, input)),
    'suggestions:undo': (input) => run(() => undoDecision(ctx, input)),
    'suggestions:provenance': ({ seriesUid }) => run(() => provenanceOf(ctx, seriesUid)),
    'reading:event': (input) => run(() => recordEvent(ctx, input)),
    'reading:times': ({ readerId }) => run(() => readingTimes(ctx, readerId ?? null)),
    'evaluation:readers': ({ referenceReaderId, unit, resamples, seed }) =>
      run(() =>
        compareReaders(ctx, {
          referenceReaderId,
          unit: unit ?? 'slices',
          resamples: resamples ?? 1000,
          seed: seed ?? 1,
        }),
      ),
  };
}

/**
 * 'cases:set' with the reading clock: a case that becomes done gets its `done` event in the same
 * transaction (setting done again, a no-op, records nothing).
 */
export function setCaseStateWithClock(ws: ReadingWorkspace, update: CaseUpdate): Promise<CaseState> {
  const ctx = readingContextOf(ws);
  return run(() =>
    ctx.store.write(() => {
      const before = ctx.annotations.caseState(update.seriesUid, update.readerId);
      const after = ctx.annotations.setCaseState(update);
      if (after.status === 'done' && before.status !== 'done')
        recordDone(ctx, update.seriesUid, update.readerId);
      return after;
    }),
  );
}

/**
 * 'catalog:import', then the auto-run model queued on the series the import added or changed (the
 * import has landed by then: queuing cannot undo it).
 */
export async function importWithAutoRun(
  ws: Pick<Workspace, 'db' | 'catalog' | 'inference' | 'exclusive'>,
  paths: readonly string[],
): Promise<ImportReport> {
  const report = await ws.exclusive(() => importPaths(ws.catalog, paths));
  enqueueAutoRun(
    readingContextOf(ws),
    report.series.map((s) => s.seriesUid),
  );
  return report;
}
