// SQL behind evaluation: a reader's live boxes and a run's predictions as evaluation rows, and the
// cross-validation folds (migration 005). Every statement binds its parameters.
import type { Db } from '../db/database';

export interface BoxRowForEval {
  sop_uid: string;
  label: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface PredictionRowForEval extends BoxRowForEval {
  score: number;
}

export type EvaluationStore = ReturnType<typeof createEvaluationStore>;

export function createEvaluationStore(db: Db) {
  const s = {
    reader: db.prepare<[number], { id: number; name: string }>('SELECT id, name FROM readers WHERE id = ?'),
    readerNamed: db.prepare<[string], { id: number; name: string }>(
      'SELECT id, name FROM readers WHERE name = ?',
    ),
    readers: db.prepare<[], { id: number; name: string }>('SELECT id, name FROM readers ORDER BY id'),
    labels: db.prepare<[], { label: string }>('SELECT label FROM annotation_labels ORDER BY position'),
    // In the order the reader drew them on each slice (the evaluator's tie-break order for equal IoU).
    readerBoxes: db.prepare<[string, number], BoxRowForEval>(`
      SELECT b.sop_uid, b.label, b.x1, b.y1, b.x2, b.y2
        FROM annotation_boxes b JOIN instances i ON i.sop_uid = b.sop_uid
       WHERE b.series_uid = ? AND b.reader_id = ? AND b.deleted_at IS NULL
       ORDER BY i.slice_index, b.id`),
    // In the order the run stored them (the evaluator's tie-break order for equal scores).
    predictions: db.prepare<[number], PredictionRowForEval>(
      'SELECT sop_uid, label, score, x1, y1, x2, y2 FROM predictions WHERE run_id = ? ORDER BY id',
    ),
    patientIds: db.prepare<[], { patient_id: string }>(
      'SELECT DISTINCT patient_id FROM patients ORDER BY patient_id',
    ),
    foldAssignment: db.prepare<[], { k: number; seed: number; assigned_at: string }>(
      'SELECT k, seed, assigned_at FROM fold_assignment WHERE id = 1',
    ),
    folds: db.prepare<[], { patient_id: string; fold: number }>(
      'SELECT patient_id, fold FROM patient_folds ORDER BY patient_id',
    ),
    clearFolds: db.prepare('DELETE FROM patient_folds'),
    insertFold: db.prepare<[string, number]>('INSERT INTO patient_folds (patient_id, fold) VALUES (?, ?)'),
    setAssignment: db.prepare<[number, number, string]>(`
      INSERT INTO fold_assignment (id, k, seed, assigned_at) VALUES (1, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET k = excluded.k, seed = excluded.seed, assigned_at = excluded.assigned_at`),
  };

  return {
    reader: (id: number) => s.reader.get(id),
    /** Name lookup ignores case (the column is COLLATE NOCASE). */
    readerNamed: (name: string) => s.readerNamed.get(name),
    readers: () => s.readers.all(),
    labels: () => s.labels.all().map((r) => r.label),
    readerBoxes: (seriesUid: string, readerId: number) => s.readerBoxes.all(seriesUid, readerId),
    predictions: (runId: number) => s.predictions.all(runId),
    /** The catalog's distinct patient IDs, sorted. */
    patientIds: () => s.patientIds.all().map((r) => r.patient_id),
    foldAssignment: () => s.foldAssignment.get(),
    folds: () => s.folds.all(),
    /** Replaces the stored folds in one write transaction. */
    replaceFolds(k: number, seed: number, folds: ReadonlyMap<string, number>, at: string): void {
      db.transaction(() => {
        s.clearFolds.run();
        for (const [patientId, fold] of folds) s.insertFold.run(patientId, fold);
        s.setAssignment.run(k, seed, at);
      }).immediate();
    },
  };
}
