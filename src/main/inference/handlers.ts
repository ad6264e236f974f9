// The model and inference channels of the IPC contract, over one workspace's InferenceService.
import type { Handlers } from '../services/handlers';
import { InvalidInputError, NotFoundError } from '../services/errors';
import type { Workspace } from '../workspace/workspace';

export type InferenceChannel =
  | 'models:list'
  | 'models:add'
  | 'inference:start'
  | 'inference:jobs'
  | 'inference:cancel'
  | 'runs:list'
  | 'runs:predictions'
  | 'runs:delete';

export function inferenceHandlers(ws: Workspace): Pick<Handlers, InferenceChannel> {
  const service = ws.inference;
  return {
    'models:list': () => Promise.resolve(service.listModels()),
    'models:add': async ({ path, name }) => {
      const { model, alreadyRegistered } = await service.addModel(path, name);
      return { model: model.summary, alreadyRegistered };
    },
    'inference:start': ({ modelIds, seriesUids, params }) => {
      for (const id of modelIds) {
        const size = service.models.byId(id)?.summary.manifest.input.size;
        if (size !== undefined && params?.stride !== undefined && params.stride > size) {
          throw new InvalidInputError(`stride ${params.stride} is larger than the model's ${size}-px patch`);
        }
      }
      return Promise.resolve(service.enqueue(modelIds, seriesUids, params ?? {}));
    },
    'inference:jobs': () => Promise.resolve(service.listJobs()),
    'inference:cancel': ({ jobId }) => Promise.resolve({ cancelled: service.cancel(jobId) }),
    'runs:list': ({ seriesUid }) => Promise.resolve(service.runs.list(seriesUid ? { seriesUid } : {})),
    'runs:predictions': ({ runId, sliceIndex, minScore }) => {
      if (!service.runs.get(runId)) throw new NotFoundError(`no run ${runId} in this workspace`);
      return Promise.resolve(
        service.runs.predictions(runId, {
          ...(sliceIndex !== undefined ? { sliceIndex } : {}),
          ...(minScore !== undefined ? { minScore } : {}),
        }),
      );
    },
    'runs:delete': ({ runId }) => {
      if (!service.runs.get(runId)) throw new NotFoundError(`no run ${runId} in this workspace`);
      return Promise.resolve({ deleted: service.runs.delete(runId) });
    },
  };
}
