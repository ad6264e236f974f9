// SQL for runs, their per-slice timings and their predictions (migration 004). Each slice's results
// are written in one transaction, so a crash loses at most the slice in flight.
import type { Db } from '../db/database';
import { ModelId, RunId, SeriesUid, SopInstanceUid } from '../../shared/ids';
import {
  ExecutionProvider,
  ProviderChoice,
  RunParams,
  RunStatus,
  type Prediction,
  type RunSummary,
} from '../../shared/inference/schemas';
import type { DicomPixelBox } from '../../shared/reference/schemas';

interface RunRow {
  id: number;
  model_id: number;
  model_name: string;
  model_sha256: string;
  series_uid: string;
  status: string;
  provider_requested: string;
  provider_used: string | null;
  provider_notes: string;
  params_json: string;
  slice_count: number;
  slices_done: number;
  tile_count: number;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  ms_per_slice: number | null;
  prediction_count: number;
}

interface PredictionRow {
  run_id: number;
  slice_index: number;
  sop_uid: string;
  label: string;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface NewRun {
  modelId: number;
  modelName: string;
  modelSha256: string;
  seriesUid: string;
  providerRequested: ProviderChoice;
  params: RunParams;
  sliceCount: number;
  startedAt: string;
}

export interface SlicePrediction {
  label: string;
  score: number;
  box: DicomPixelBox;
}

export interface SliceOutcome {
  sliceIndex: number;
  sopUid: string;
  tiles: number;
  ms: number;
  predictions: SlicePrediction[];
}

const SUMMARY_SQL = `
  SELECT runs.*,
    (SELECT AVG(ms) FROM run_slices WHERE run_slices.run_id = runs.id) AS ms_per_slice,
    (SELECT COUNT(*) FROM predictions WHERE predictions.run_id = runs.id) AS prediction_count
  FROM runs`;

function toSummary(row: RunRow): RunSummary {
  return {
    id: RunId.parse(row.id),
    modelId: ModelId.parse(row.model_id),
    modelName: row.model_name,
    modelSha256: row.model_sha256,
    seriesUid: SeriesUid.parse(row.series_uid),
    status: RunStatus.parse(row.status),
    providerRequested: ProviderChoice.parse(row.provider_requested),
    providerUsed: row.provider_used === null ? null : ExecutionProvider.parse(row.provider_used),
    providerNotes: JSON.parse(row.provider_notes) as string[],
    params: RunParams.parse(JSON.parse(row.params_json)),
    sliceCount: row.slice_count,
    slicesDone: row.slices_done,
    tileCount: row.tile_count,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    msPerSlice: row.ms_per_slice,
    predictionCount: row.prediction_count,
    error: row.error,
  };
}

export class RunStore {
  constructor(private readonly db: Db) {}

  create(run: NewRun): RunId {
    const info = this.db
      .prepare(
        `INSERT INTO runs (model_id, model_name, model_sha256, series_uid, status, owner_pid,
           provider_requested, params_json, slice_count, started_at)
         VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
      )
      .run(
        run.modelId,
        run.modelName,
        run.modelSha256,
        run.seriesUid,
        process.pid,
        run.providerRequested,
        JSON.stringify(run.params),
        run.sliceCount,
        run.startedAt,
      );
    return RunId.parse(Number(info.lastInsertRowid));
  }

  setProvider(runId: RunId, used: ExecutionProvider, notes: readonly string[]): void {
    this.db
      .prepare('UPDATE runs SET provider_used = ?, provider_notes = ? WHERE id = ?')
      .run(used, JSON.stringify(notes), runId);
  }

  addSlice(runId: RunId, s: SliceOutcome): void {
    const insertSlice = this.db.prepare(
      'INSERT INTO run_slices (run_id, sop_uid, slice_index, tiles, ms) VALUES (?, ?, ?, ?, ?)',
    );
    const insertPrediction = this.db.prepare(
      `INSERT INTO predictions (run_id, sop_uid, slice_index, label, score, x1, y1, x2, y2)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const bump = this.db.prepare(
      'UPDATE runs SET slices_done = slices_done + 1, tile_count = tile_count + ? WHERE id = ?',
    );
    this.db.transaction(() => {
      insertSlice.run(runId, s.sopUid, s.sliceIndex, s.tiles, s.ms);
      for (const p of s.predictions) {
        const { x1, y1, x2, y2 } = p.box;
        insertPrediction.run(runId, s.sopUid, s.sliceIndex, p.label, p.score, x1, y1, x2, y2);
      }
      bump.run(s.tiles, runId);
    })();
  }

  finish(
    runId: RunId,
    status: Exclude<RunStatus, 'running'>,
    finishedAt: string,
    error: string | null = null,
  ): void {
    this.db
      .prepare('UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?')
      .run(status, finishedAt, error, runId);
  }

  /**
   * Runs left 'running' by a process that has ended are marked interrupted, keeping what they stored.
   * A run of another live process (the CLI beside the app) is left alone.
   */
  markInterrupted(at: string): number {
    const running = this.db
      .prepare<[], { id: number; owner_pid: number }>(
        "SELECT id, owner_pid FROM runs WHERE status = 'running'",
      )
      .all();
    const mark = this.db.prepare(
      "UPDATE runs SET status = 'interrupted', finished_at = ?, error = 'the app stopped during the run' WHERE id = ?",
    );
    let marked = 0;
    for (const r of running) {
      if (r.owner_pid !== process.pid && processAlive(r.owner_pid)) continue;
      marked += mark.run(at, r.id).changes;
    }
    return marked;
  }

  get(runId: number): RunSummary | null {
    const row = this.db.prepare<[number], RunRow>(`${SUMMARY_SQL} WHERE runs.id = ?`).get(runId);
    return row ? toSummary(row) : null;
  }

  list(filter: { seriesUid?: string; modelId?: number } = {}): RunSummary[] {
    const rows = this.db
      .prepare<[string | null, string | null, number | null, number | null], RunRow>(
        `${SUMMARY_SQL} WHERE (? IS NULL OR series_uid = ?) AND (? IS NULL OR model_id = ?) ORDER BY runs.id`,
      )
      .all(
        filter.seriesUid ?? null,
        filter.seriesUid ?? null,
        filter.modelId ?? null,
        filter.modelId ?? null,
      );
    return rows.map(toSummary);
  }

  predictions(runId: number, filter: { sliceIndex?: number; minScore?: number } = {}): Prediction[] {
    const rows = this.db
      .prepare<[number, number | null, number | null, number], PredictionRow>(
        `SELECT run_id, slice_index, sop_uid, label, score, x1, y1, x2, y2 FROM predictions
         WHERE run_id = ? AND (? IS NULL OR slice_index = ?) AND score >= ?
         ORDER BY slice_index, score DESC`,
      )
      .all(runId, filter.sliceIndex ?? null, filter.sliceIndex ?? null, filter.minScore ?? 0);
    return rows.map((r) => ({
      runId: RunId.parse(r.run_id),
      sliceIndex: r.slice_index,
      sopInstanceUid: SopInstanceUid.parse(r.sop_uid),
      label: r.label,
      score: r.score,
      box: { space: 'dicom-pixel', x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2 },
    }));
  }

  delete(runId: number): boolean {
    return this.db.prepare("DELETE FROM runs WHERE id = ? AND status != 'running'").run(runId).changes > 0;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
