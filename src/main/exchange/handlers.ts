// The export and import channels of the IPC contract.
import { join } from 'node:path';
import type { Handlers } from '../services/handlers';
import { InvalidInputError } from '../services/errors';
import type { Workspace } from '../workspace/workspace';
import { ExportJobs } from './exportJobs';
import { importAnnotations } from './importAnnotations';
import { readImportFile } from './readImportFile';

export type ExchangeChannel =
  'exports:start' | 'exports:jobs' | 'exports:cancel' | 'exports:suggest' | 'annotations:import';

/** `2026-11-27T18-04-05` (no characters that file systems refuse). */
const stamp = (d: Date): string => d.toISOString().slice(0, 19).replace(/:/g, '-');

export function exchangeHandlers(ws: Workspace): Pick<Handlers, ExchangeChannel> {
  const jobs = new ExportJobs(ws.db, ws.catalog);
  return {
    'exports:start': (request) => Promise.resolve(jobs.start(request)),
    'exports:jobs': () => Promise.resolve(jobs.list()),
    'exports:cancel': ({ jobId }) => Promise.resolve({ cancelled: jobs.cancel(jobId) }),
    'exports:suggest': ({ format }) =>
      Promise.resolve({ outDir: join(ws.dir, 'exports', `${format}-${stamp(new Date())}`) }),
    'annotations:import': ({ path, format, reader, classesFile }) => {
      let batch;
      try {
        batch = readImportFile(path, {
          ...(format ? { format } : {}),
          ...(classesFile ? { classesFile } : {}),
        });
      } catch (e) {
        throw new InvalidInputError(e instanceof Error ? e.message : String(e));
      }
      return Promise.resolve(importAnnotations(ws.db, batch, reader !== undefined ? { reader } : {}));
    },
  };
}
