// The evaluation channels of the IPC contract: the dataset the renderer evaluates live, and the
// cross-validation folds.
import type { Handlers } from '../services/handlers';
import type { Workspace } from '../workspace/workspace';
import { buildEvaluationDataset } from './buildDataset';
import { createEvaluationStore, type EvaluationStore } from './evaluationStore';
import { assignAndStoreFolds, storedFolds } from './folds';
import { patchWindowsOf } from './patchSet';
import { patchDataset } from '../../shared/evaluation/dataset';

export type EvaluationChannel = 'evaluation:dataset' | 'folds:get' | 'folds:assign';

const stores = new WeakMap<Workspace['db'], EvaluationStore>();

/** The workspace's evaluation statements, prepared once per open database. */
export function evaluationStoreOf(ws: Pick<Workspace, 'db'>): EvaluationStore {
  let store = stores.get(ws.db);
  if (!store) {
    store = createEvaluationStore(ws.db);
    stores.set(ws.db, store);
  }
  return store;
}

// Synchronous SQLite work inside the promise, so that a refusal reaches `dispatch` as a rejection.
const run = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));

export function evaluationHandlers(
  ws: Pick<Workspace, 'db' | 'catalog' | 'inference'>,
): Pick<Handlers, EvaluationChannel> {
  const store = evaluationStoreOf(ws);
  return {
    'evaluation:dataset': ({ readerId, runIds, unit }) =>
      run(() => {
        const slices = buildEvaluationDataset(
          { store, catalog: ws.catalog, runs: ws.inference.runs },
          readerId,
          runIds,
        );
        return unit === 'patches' ? patchDataset(slices, patchWindowsOf(ws.db, ws.catalog, slices)) : slices;
      }),
    'folds:get': () => run(() => storedFolds(store)),
    'folds:assign': ({ k, seed }) => run(() => assignAndStoreFolds(store, k, seed)),
  };
}
