// The annotation channels of the IPC contract, as handlers over one workspace's AnnotationService.
import type { Handlers } from '../services/handlers';
import type { Workspace } from '../workspace/workspace';
import { createAnnotationStore } from './annotationStore';
import { AnnotationService } from './annotationService';

export type AnnotationChannel =
  | 'readers:list'
  | 'readers:add'
  | 'labels:list'
  | 'labels:set'
  | 'annotations:list'
  | 'annotations:create'
  | 'annotations:update'
  | 'annotations:delete'
  | 'annotations:restore'
  | 'annotations:history'
  | 'cases:list'
  | 'cases:get'
  | 'cases:set';

const services = new WeakMap<Workspace['db'], AnnotationService>();

/** The workspace's annotation service, built once per open database (its statements prepared once). */
export function annotationsOf(ws: Pick<Workspace, 'db'>): AnnotationService {
  let service = services.get(ws.db);
  if (!service) {
    service = new AnnotationService(createAnnotationStore(ws.db));
    services.set(ws.db, service);
  }
  return service;
}

// The service is synchronous (SQLite); each handler runs it inside the promise so that a thrown
// refusal reaches `dispatch` as a rejection it maps to a result.
const run = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));

export function annotationHandlers(ws: Pick<Workspace, 'db'>): Pick<Handlers, AnnotationChannel> {
  const a = annotationsOf(ws);
  return {
    'readers:list': () => run(() => a.readers()),
    'readers:add': ({ name }) => run(() => a.addReader(name)),
    'labels:list': () => run(() => a.labels()),
    'labels:set': ({ labels }) => run(() => a.setLabels(labels)),
    'annotations:list': ({ seriesUid }) => run(() => a.boxesOfSeries(seriesUid)),
    'annotations:create': ({ seriesUid, readerId, boxes }) =>
      run(() => a.createBoxes(seriesUid, readerId, boxes)),
    'annotations:update': (update) => run(() => a.updateBox(update)),
    'annotations:delete': ({ readerId, ids }) => run(() => a.deleteBoxes(readerId, ids)),
    'annotations:restore': ({ readerId, ids }) => run(() => a.restoreBoxes(readerId, ids)),
    'annotations:history': ({ id }) => run(() => a.history(id)),
    'cases:list': () => run(() => a.cases()),
    'cases:get': ({ seriesUid, readerId }) => run(() => a.caseState(seriesUid, readerId)),
    'cases:set': (update) => run(() => a.setCaseState(update)),
  };
}
