// Models and runs of one workspace: registering models, and a queue of inference jobs (one model ×
// one series each) run one at a time in the inference worker. Every job becomes a stored run, with
// its provider, parameters, per-slice timing and predictions; a job's progress is pushed to
// subscribers (the CLI's stderr, the UI through polling `inference:jobs`).
import type { CatalogStore } from '../catalog/catalogStore';
import type { Db } from '../db/database';
import { JobId, SeriesUid, type ModelId, type RunId } from '../../shared/ids';
import { RunParams, type Job, type ModelSummary, type RunParamsInput } from '../../shared/inference/schemas';
import { InvalidInputError, NotFoundError } from '../services/errors';
import { ModelStore } from '../model/modelStore';
import { registerModel, type Registered } from '../model/registerModel';
import { RunStore } from './runStore';
import { InferenceWorker } from './workerClient';

/** Finished jobs kept in the list the UI shows. */
const KEPT_FINISHED = 200;

interface QueuedJob {
  job: Job;
  params: RunParams;
  cancelFlag: SharedArrayBuffer;
}

export class InferenceService {
  readonly models: ModelStore;
  readonly runs: RunStore;
  private readonly worker = new InferenceWorker();
  private readonly jobs: QueuedJob[] = [];
  private running: QueuedJob | null = null;
  private nextJobId = 1;
  private readonly listeners = new Set<(job: Job) => void>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly dir: string,
    db: Db,
    private readonly catalog: CatalogStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.models = new ModelStore(db);
    this.runs = new RunStore(db);
    this.runs.markInterrupted(this.now().toISOString());
  }

  addModel(path: string, name?: string): Promise<Registered> {
    return registerModel(this.dir, this.models, path, {
      ...(name !== undefined ? { name } : {}),
      probe: (p) => this.worker.probe(p),
      now: this.now,
    });
  }

  listModels(): ModelSummary[] {
    return this.models.list().map((m) => m.summary);
  }

  /** Queues every model × series pair, models outermost so that each model is loaded once. */
  enqueue(
    modelIds: readonly ModelId[],
    seriesUids: readonly string[],
    paramsInput: RunParamsInput = {},
  ): Job[] {
    const params = RunParams.parse(paramsInput);
    const models = modelIds.map((id) => {
      const m = this.models.byId(id);
      if (!m) throw new NotFoundError(`no model ${id} in this workspace`);
      return m;
    });
    for (const uid of seriesUids) {
      if (!this.catalog.series(uid)) throw new NotFoundError(`no series ${uid} in this workspace`);
    }
    if (models.length === 0 || seriesUids.length === 0) {
      throw new InvalidInputError('choose at least one model and one series');
    }
    const added: Job[] = [];
    for (const m of models) {
      for (const uid of seriesUids) {
        const job: Job = {
          id: JobId.parse(this.nextJobId++),
          modelId: m.summary.id,
          modelName: m.summary.name,
          seriesUid: SeriesUid.parse(uid),
          state: 'queued',
          runId: null,
          sliceCount: this.catalog.instancesOfSeries(uid).length,
          slicesDone: 0,
          providerUsed: null,
          providerNotes: [],
          error: null,
          queuedAt: this.now().toISOString(),
        };
        this.jobs.push({ job, params, cancelFlag: new SharedArrayBuffer(4) });
        added.push({ ...job });
      }
    }
    this.trim();
    this.pump();
    return added;
  }

  listJobs(): Job[] {
    return this.jobs.map((q) => ({ ...q.job }));
  }

  /** Cancels a queued job at once, a running one after its current batch. False if already finished. */
  cancel(jobId: number): boolean {
    const q = this.jobs.find((j) => j.job.id === jobId);
    if (!q) throw new NotFoundError(`no job ${jobId}`);
    if (q.job.state === 'queued') {
      q.job.state = 'cancelled';
      this.emit(q.job);
      return true;
    }
    if (q.job.state === 'running') {
      Atomics.store(new Int32Array(q.cancelFlag), 0, 1);
      return true;
    }
    return false;
  }

  subscribe(listener: (job: Job) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when no job is queued or running. */
  whenIdle(): Promise<void> {
    if (!this.running && !this.jobs.some((q) => q.job.state === 'queued')) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const q of this.jobs) if (q.job.state === 'queued') q.job.state = 'cancelled';
    if (this.running) Atomics.store(new Int32Array(this.running.cancelFlag), 0, 1);
    await this.worker.close();
  }

  private emit(job: Job): void {
    for (const l of this.listeners) l({ ...job });
  }

  private trim(): void {
    const finished = this.jobs.filter((q) => q.job.state !== 'queued' && q.job.state !== 'running');
    for (const q of finished.slice(0, Math.max(0, finished.length - KEPT_FINISHED))) {
      this.jobs.splice(this.jobs.indexOf(q), 1);
    }
  }

  private pump(): void {
    if (this.running) return;
    const next = this.jobs.find((q) => q.job.state === 'queued');
    if (!next) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    this.running = next;
    next.job.state = 'running';
    this.emit(next.job);
    this.execute(next)
      .catch((err: unknown) => {
        next.job.state = 'failed';
        next.job.error = (err as Error).message;
      })
      .finally(() => {
        this.emit(next.job);
        this.running = null;
        this.pump();
      });
  }

  private async execute(q: QueuedJob): Promise<void> {
    const { job, params } = q;
    const model = this.models.byId(job.modelId);
    const series = this.catalog.series(job.seriesUid);
    if (!model || !series) throw new Error('the model or series was removed before the job started');
    if (series.row_spacing === null || series.col_spacing === null) {
      throw new Error(
        `series ${job.seriesUid} has no pixel spacing; it cannot be resampled to the model's grid`,
      );
    }
    const instances = this.catalog.instancesOfSeries(job.seriesUid);
    const runId: RunId = this.runs.create({
      modelId: model.summary.id,
      modelName: model.summary.name,
      modelSha256: model.summary.sha256,
      seriesUid: job.seriesUid,
      providerRequested: params.provider,
      params,
      sliceCount: instances.length,
      startedAt: this.now().toISOString(),
    });
    job.runId = runId;
    job.sliceCount = instances.length;
    try {
      const status = await this.worker.run(
        {
          modelPath: model.filePath,
          manifest: model.summary.manifest,
          fixedBatch: model.summary.fixedBatch,
          geometry: {
            rows: series.rows,
            cols: series.cols,
            rowSpacing: series.row_spacing,
            colSpacing: series.col_spacing,
            sopUids: instances.map((i) => i.sop_uid),
          },
          instances: instances.map((i) => ({
            file_path: i.file_path,
            file_size: i.file_size,
            mtime_ms: i.mtime_ms,
            content_hash: i.content_hash,
            rescale_slope: i.rescale_slope,
            rescale_intercept: i.rescale_intercept,
          })),
          params,
          cancelFlag: q.cancelFlag,
        },
        (e) => {
          if (e.type === 'started') {
            this.runs.setProvider(runId, e.providerUsed, e.notes);
            job.providerUsed = e.providerUsed;
            job.providerNotes = e.notes;
          } else if (e.type === 'slice') {
            this.runs.addSlice(runId, e.outcome);
            job.slicesDone += 1;
          }
          this.emit(job);
        },
      );
      this.runs.finish(runId, status, this.now().toISOString());
      job.state = status;
    } catch (err) {
      const message = (err as Error).message;
      this.runs.finish(runId, 'failed', this.now().toISOString(), message);
      job.state = 'failed';
      job.error = message;
    }
  }
}
