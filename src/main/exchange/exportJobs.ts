// Exports started from the app run as jobs: the dialog starts one, polls its progress and may cancel
// it. A job lives as long as the process (its result is the folder it wrote).
import type { ExportJobId } from '../../shared/ids';
import type { ExportJob } from '../../shared/exchange/exchangeSchemas';
import type { ExportRequestInput } from '../../shared/exchange/exportRequest';
import type { CatalogStore } from '../catalog/catalogStore';
import type { Db } from '../db/database';
import { exportAnnotations } from './exportService';

export class ExportJobs {
  private readonly jobs = new Map<number, { job: ExportJob; controller: AbortController }>();
  private nextId = 1;

  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogStore,
  ) {}

  start(request: ExportRequestInput): ExportJob {
    const controller = new AbortController();
    const job: ExportJob = {
      id: this.nextId++ as ExportJobId,
      format: request.format,
      outDir: request.outDir,
      state: 'running',
      phase: 'queued',
      done: 0,
      total: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      result: null,
      error: null,
    };
    this.jobs.set(job.id, { job, controller });
    const finish = (patch: Partial<ExportJob>): void => {
      Object.assign(job, patch, { finishedAt: new Date().toISOString() });
    };
    exportAnnotations(this.db, this.catalog, request, {
      signal: controller.signal,
      onProgress: (phase, done, total) => Object.assign(job, { phase, done, total }),
    }).then(
      (result) => finish({ state: 'done', result, outDir: result.outDir }),
      (e: unknown) => {
        const cancelled = e instanceof Error && e.name === 'AbortError';
        finish({
          state: cancelled ? 'cancelled' : 'failed',
          error: e instanceof Error ? e.message : String(e),
        });
      },
    );
    return { ...job };
  }

  list(): ExportJob[] {
    return [...this.jobs.values()].map(({ job }) => ({ ...job }));
  }

  get(id: ExportJobId): ExportJob | undefined {
    const entry = this.jobs.get(id);
    return entry ? { ...entry.job } : undefined;
  }

  cancel(id: ExportJobId): boolean {
    const entry = this.jobs.get(id);
    if (!entry || entry.job.state !== 'running') return false;
    entry.controller.abort();
    return true;
  }
}
