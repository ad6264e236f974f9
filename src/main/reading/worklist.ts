// The triage worklist (channel 'worklist:get', `dvt worklist`) and the auto-run model that new imports
// are run with ('worklist:autorun-get' / '-set', and 'catalog:import').
import type { CaseStatus } from '../../shared/annotation/schemas';
import { ModelId, RunId, SeriesUid } from '../../shared/ids';
import type { Job } from '../../shared/inference/schemas';
import type { AutoRun, Worklist, WorklistRow, WorklistRunState } from '../../shared/reading/schemas';
import { orderWorklist } from '../../shared/reading/worklistOrder';
import { NotFoundError } from '../services/errors';
import { readerOf, type ReadingContext } from './context';

/** Workspace meta key holding the auto-run model's id. */
export const AUTO_RUN_KEY = 'worklist-auto-run-model';

/**
 * Every series of the catalog with the model's state on it and the reader's status, in triage order.
 *
 * The run state says what the model is doing on the series, most recent work first: a job of this
 * process (or a run another process has 'running') → 'running'; a queued job → 'queued'; else a
 * finished ('done') run → 'done'; else a run that failed, was cancelled or interrupted → 'failed';
 * else 'not-run'. `runId`, `maxScore` and `suggestions` come from the latest finished run whenever
 * there is one — a re-run that is queued or failed does not hide the suggestions a reader may already
 * be working on; without a finished run `runId` is the latest run (a failed one, to look up why).
 */
export function buildWorklist(
  ctx: ReadingContext,
  modelId: number,
  readerId: number | null,
  threshold: number,
): Worklist {
  const model = ctx.ws.inference.models.byId(modelId);
  if (!model) throw new NotFoundError(`no model ${modelId} in this workspace`);
  const reader = readerId === null ? null : readerOf(ctx, readerId);
  const { store } = ctx;

  const latest = new Map(store.latestRuns(modelId).map((r) => [r.series_uid, r]));
  const done = new Map(store.latestDoneRuns(modelId, threshold).map((r) => [r.series_uid, r]));
  const jobs = new Map<string, Job['state']>();
  for (const job of ctx.ws.inference.listJobs()) {
    if (job.modelId !== modelId) continue;
    // A running job outranks a queued one on the same series.
    if (job.state === 'running' || (job.state === 'queued' && !jobs.has(job.seriesUid)))
      jobs.set(job.seriesUid, job.state);
  }
  const statuses = new Map(
    reader ? store.caseStatuses(reader.id).map((r) => [r.series_uid, r.status as CaseStatus]) : [],
  );

  const rows = store.worklistSeries().map((s): WorklistRow => {
    const last = latest.get(s.series_uid);
    const finished = done.get(s.series_uid);
    const job = jobs.get(s.series_uid);
    let runState: WorklistRunState;
    if (job === 'running' || last?.status === 'running') runState = 'running';
    else if (job === 'queued') runState = 'queued';
    else if (finished) runState = 'done';
    else if (last) runState = 'failed';
    else runState = 'not-run';
    const runId = finished?.run_id ?? last?.id;
    return {
      seriesUid: SeriesUid.parse(s.series_uid),
      patientId: s.patient_id,
      patientName: s.patient_name,
      description: s.description,
      studyDate: s.study_date,
      slices: s.slices,
      runState,
      runId: runId === undefined ? null : RunId.parse(runId),
      maxScore: finished ? finished.max_score : null,
      suggestions: finished ? finished.suggestions : 0,
      status: statuses.get(s.series_uid) ?? 'not-started',
    };
  });
  return {
    model: { id: model.summary.id, name: model.summary.name },
    readerId: reader?.id ?? null,
    threshold,
    rows: orderWorklist(rows),
  };
}

/** The auto-run model; a stored id whose model is gone reads as none. */
export function autoRun(ctx: ReadingContext): AutoRun {
  const stored = Number(ctx.ws.catalog.getMeta(AUTO_RUN_KEY));
  const model = Number.isInteger(stored) && stored > 0 ? ctx.ws.inference.models.byId(stored) : null;
  return { modelId: model ? ModelId.parse(model.summary.id) : null };
}

export function setAutoRun(ctx: ReadingContext, modelId: number | null): AutoRun {
  if (modelId === null) {
    ctx.store.deleteMeta(AUTO_RUN_KEY);
    return { modelId: null };
  }
  if (!ctx.ws.inference.models.byId(modelId))
    throw new NotFoundError(`no model ${modelId} in this workspace: it cannot run on new imports`);
  ctx.ws.catalog.setMeta(AUTO_RUN_KEY, String(modelId));
  return autoRun(ctx);
}

/** Queues the auto-run model on the series an import added or changed; nothing when none is set. */
export function enqueueAutoRun(ctx: ReadingContext, seriesUids: readonly string[]): Job[] {
  const { modelId } = autoRun(ctx);
  if (modelId === null || seriesUids.length === 0) return [];
  return ctx.ws.inference.enqueue([modelId], seriesUids, {});
}
