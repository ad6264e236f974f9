// SQL behind AI-assisted reading (migration 007, with the catalog, runs and case states it reads).
// Every statement binds its parameters; the services (worklist.ts, suggestions.ts, readingClock.ts)
// open the transactions.
import type { Db } from '../db/database';

export interface WorklistSeriesRow {
  series_uid: string;
  patient_id: string;
  patient_name: string;
  description: string;
  study_date: string;
  slices: number;
}

export interface LatestRunRow {
  series_uid: string;
  id: number;
  status: string;
}

export interface DoneRunScoreRow {
  series_uid: string;
  run_id: number;
  max_score: number;
  suggestions: number;
}

/** A stored prediction with what a decision copies from its run. */
export interface PredictionRow {
  id: number;
  run_id: number;
  run_status: string;
  series_uid: string;
  model_name: string;
  model_sha256: string;
  sop_uid: string;
  /** The slice's current index in the catalog (the one at run time when the catalog has none). */
  slice_index: number;
  label: string;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DecisionRow {
  id: number;
  series_uid: string;
  reader_id: number;
  prediction_id: number;
  run_id: number;
  model_name: string;
  model_sha256: string;
  score: number;
  label: string;
  sop_uid: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  kind: 'accepted' | 'rejected';
  reason: string | null;
  box_id: number | null;
  at: string;
  undone_at: string | null;
}

export type NewDecisionRow = Omit<DecisionRow, 'id' | 'undone_at'>;

/** A live accepted decision with its box as it is now. */
export interface ProvenanceRow extends DecisionRow {
  box_sop_uid: string;
  bx1: number;
  by1: number;
  bx2: number;
  by2: number;
}

export interface EventRow {
  series_uid: string;
  reader_id: number;
  kind: 'open' | 'close' | 'heartbeat' | 'done';
  at: string;
  suggestions_shown: number;
}

const DECISION_COLUMNS = `d.id, d.series_uid, d.reader_id, d.prediction_id, d.run_id, d.model_name, d.model_sha256,
  d.score, d.label, d.sop_uid, d.x1, d.y1, d.x2, d.y2, d.kind, d.reason, d.box_id, d.at, d.undone_at`;

const PREDICTION_COLUMNS = `p.id, p.run_id, r.status AS run_status, r.series_uid, r.model_name, r.model_sha256,
  p.sop_uid, coalesce(i.slice_index, p.slice_index) AS slice_index, p.label, p.score, p.x1, p.y1, p.x2, p.y2`;

export type ReadingStore = ReturnType<typeof createReadingStore>;

export function createReadingStore(db: Db) {
  const s = {
    readers: db.prepare<[], { id: number; name: string }>('SELECT id, name FROM readers ORDER BY id'),
    deleteMeta: db.prepare<[string]>('DELETE FROM workspace_meta WHERE key = ?'),

    worklistSeries: db.prepare<[], WorklistSeriesRow>(`
      SELECT se.series_uid, p.patient_id, p.name AS patient_name, se.description, st.study_date,
             (SELECT count(*) FROM instances i WHERE i.series_uid = se.series_uid) AS slices
        FROM series se JOIN studies st ON st.study_uid = se.study_uid JOIN patients p ON p.id = st.patient_ref`),
    // Runs are numbered in the order they started: the highest id is the latest.
    latestRuns: db.prepare<[number, number], LatestRunRow>(`
      SELECT r.series_uid, r.id, r.status FROM runs r
       WHERE r.model_id = ? AND r.id IN (SELECT max(id) FROM runs WHERE model_id = ? GROUP BY series_uid)`),
    latestDoneRuns: db.prepare<[number, number], DoneRunScoreRow>(`
      WITH latest AS (
        SELECT series_uid, max(id) AS run_id FROM runs WHERE model_id = ? AND status = 'done' GROUP BY series_uid)
      SELECT l.series_uid, l.run_id, coalesce(max(p.score), 0) AS max_score,
             coalesce(sum(p.score >= ?), 0) AS suggestions
        FROM latest l LEFT JOIN predictions p ON p.run_id = l.run_id
       GROUP BY l.series_uid, l.run_id`),
    caseStatuses: db.prepare<[number], { series_uid: string; status: string }>(
      'SELECT series_uid, status FROM case_states WHERE reader_id = ?',
    ),
    doneCases: db.prepare<[], { series_uid: string; reader_id: number }>(
      "SELECT series_uid, reader_id FROM case_states WHERE status = 'done' ORDER BY reader_id, series_uid",
    ),

    prediction: db.prepare<[number], PredictionRow>(`
      SELECT ${PREDICTION_COLUMNS} FROM predictions p JOIN runs r ON r.id = p.run_id
        LEFT JOIN instances i ON i.sop_uid = p.sop_uid AND i.series_uid = r.series_uid
       WHERE p.id = ?`),
    // Predictions on slices no longer in the catalog (a re-import replaced them) cannot be shown.
    suggestions: db.prepare<[number, number], PredictionRow>(`
      SELECT ${PREDICTION_COLUMNS} FROM predictions p JOIN runs r ON r.id = p.run_id
        JOIN instances i ON i.sop_uid = p.sop_uid AND i.series_uid = r.series_uid
       WHERE p.run_id = ? AND p.score >= ?
       ORDER BY p.score DESC, slice_index, p.id`),

    decision: db.prepare<[number], DecisionRow>(
      `SELECT ${DECISION_COLUMNS} FROM suggestion_decisions d WHERE d.id = ?`,
    ),
    liveDecision: db.prepare<[number, number], DecisionRow>(`
      SELECT ${DECISION_COLUMNS} FROM suggestion_decisions d
       WHERE d.reader_id = ? AND d.prediction_id = ? AND d.undone_at IS NULL`),
    liveDecisionsOfRun: db.prepare<[number, number], DecisionRow>(`
      SELECT ${DECISION_COLUMNS} FROM suggestion_decisions d
       WHERE d.reader_id = ? AND d.run_id = ? AND d.undone_at IS NULL`),
    insertDecision: db.prepare<NewDecisionRow>(`
      INSERT INTO suggestion_decisions (series_uid, reader_id, prediction_id, run_id, model_name, model_sha256,
        score, label, sop_uid, x1, y1, x2, y2, kind, reason, box_id, at)
      VALUES (@series_uid, @reader_id, @prediction_id, @run_id, @model_name, @model_sha256, @score, @label,
        @sop_uid, @x1, @y1, @x2, @y2, @kind, @reason, @box_id, @at)`),
    undoDecision: db.prepare<[string, number]>(
      'UPDATE suggestion_decisions SET undone_at = ? WHERE id = ? AND undone_at IS NULL',
    ),
    provenance: db.prepare<[string], ProvenanceRow>(`
      SELECT ${DECISION_COLUMNS}, b.sop_uid AS box_sop_uid, b.x1 AS bx1, b.y1 AS by1, b.x2 AS bx2, b.y2 AS by2
        FROM suggestion_decisions d JOIN annotation_boxes b ON b.id = d.box_id
       WHERE d.series_uid = ? AND d.kind = 'accepted' AND d.undone_at IS NULL AND b.deleted_at IS NULL
       ORDER BY d.id`),

    insertEvent: db.prepare<EventRow>(`
      INSERT INTO reading_events (series_uid, reader_id, kind, at, suggestions_shown)
      VALUES (@series_uid, @reader_id, @kind, @at, @suggestions_shown)`),
    lastEvent: db.prepare<[string, number], EventRow>(`
      SELECT series_uid, reader_id, kind, at, suggestions_shown FROM reading_events
       WHERE series_uid = ? AND reader_id = ? ORDER BY id DESC LIMIT 1`),
    // In stored order within a case: readingTime keeps it for events of the same time.
    events: db.prepare<[number | null, number | null], EventRow>(`
      SELECT series_uid, reader_id, kind, at, suggestions_shown FROM reading_events
       WHERE (? IS NULL OR reader_id = ?) ORDER BY reader_id, series_uid, id`),
  };

  return {
    /** Runs `fn` in one write transaction (BEGIN IMMEDIATE; a savepoint when already inside one). */
    write: <T>(fn: () => T): T => db.transaction(fn).immediate(),

    readers: () => s.readers.all(),
    deleteMeta: (key: string) => s.deleteMeta.run(key),

    worklistSeries: () => s.worklistSeries.all(),
    latestRuns: (modelId: number) => s.latestRuns.all(modelId, modelId),
    /** Per series, the model's latest finished run: its highest score and predictions ≥ threshold. */
    latestDoneRuns: (modelId: number, threshold: number) => s.latestDoneRuns.all(modelId, threshold),
    caseStatuses: (readerId: number) => s.caseStatuses.all(readerId),
    /** Every (series, reader) marked done. */
    doneCases: () => s.doneCases.all(),

    prediction: (id: number) => s.prediction.get(id),
    suggestions: (runId: number, threshold: number) => s.suggestions.all(runId, threshold),

    decision: (id: number) => s.decision.get(id),
    liveDecision: (readerId: number, predictionId: number) => s.liveDecision.get(readerId, predictionId),
    liveDecisionsOfRun: (readerId: number, runId: number) => s.liveDecisionsOfRun.all(readerId, runId),
    insertDecision: (row: NewDecisionRow) => Number(s.insertDecision.run(row).lastInsertRowid),
    undoDecision: (id: number, at: string) => s.undoDecision.run(at, id).changes > 0,
    provenance: (seriesUid: string) => s.provenance.all(seriesUid),

    insertEvent: (row: EventRow) => s.insertEvent.run(row),
    lastEvent: (seriesUid: string, readerId: number) => s.lastEvent.get(seriesUid, readerId),
    /** Every stored event (of one reader, or all), grouped by reader and series. */
    events: (readerId: number | null) => s.events.all(readerId, readerId),
  };
}
