// SQL of annotation imports (tables of migrations 003–006). The import service runs all of it inside
// one write transaction.
import type { Db } from '../db/database';

export interface ImportedBoxRow {
  series_uid: string;
  sop_uid: string;
  reader_id: number;
  label: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  created_at: string;
  updated_at: string;
}

export type ImportStore = ReturnType<typeof createImportStore>;

export function createImportStore(db: Db) {
  const s = {
    instance: db.prepare<
      [string],
      { sop_uid: string; series_uid: string; slice_index: number; rows: number; cols: number }
    >(
      `SELECT i.sop_uid, i.series_uid, i.slice_index, se.rows, se.cols
         FROM instances i JOIN series se ON se.series_uid = i.series_uid WHERE i.sop_uid = ?`,
    ),
    seriesExists: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM series WHERE series_uid = ?',
    ),
    sliceCount: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM instances WHERE series_uid = ?',
    ),
    readerNamed: db.prepare<[string], { id: number; name: string }>(
      'SELECT id, name FROM readers WHERE name = ?',
    ),
    insertReader: db.prepare<[string, string]>('INSERT INTO readers (name, created_at) VALUES (?, ?)'),
    labels: db.prepare<[], { label: string; position: number }>(
      'SELECT label, position FROM annotation_labels ORDER BY position',
    ),
    insertLabel: db.prepare<[string, number]>(
      'INSERT INTO annotation_labels (label, position) VALUES (?, ?)',
    ),
    liveBoxesOn: db.prepare<
      [number, string],
      { label: string; x1: number; y1: number; x2: number; y2: number }
    >(
      `SELECT label, x1, y1, x2, y2 FROM annotation_boxes
        WHERE reader_id = ? AND sop_uid = ? AND deleted_at IS NULL`,
    ),
    insertBox: db.prepare<ImportedBoxRow>(`
      INSERT INTO annotation_boxes (series_uid, sop_uid, reader_id, label, x1, y1, x2, y2, created_at, updated_at)
      VALUES (@series_uid, @sop_uid, @reader_id, @label, @x1, @y1, @x2, @y2, @created_at, @updated_at)`),
    insertHistory: db.prepare<[number, string, number, string]>(
      `INSERT INTO annotation_history (box_id, at, reader_id, action, before_json, after_json)
       VALUES (?, ?, ?, 'create', NULL, ?)`,
    ),
    caseState: db.prepare<
      [string, number],
      { status: string; patient_call: string | null; note: string; updated_at: string }
    >(
      'SELECT status, patient_call, note, updated_at FROM case_states WHERE series_uid = ? AND reader_id = ?',
    ),
    upsertCase: db.prepare<[string, number, string, string | null, string, string]>(`
      INSERT INTO case_states (series_uid, reader_id, status, patient_call, note, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (series_uid, reader_id) DO UPDATE SET status = excluded.status,
        patient_call = excluded.patient_call, note = excluded.note, updated_at = excluded.updated_at`),
    patientOfSeries: db.prepare<[string], { patient_id: string }>(
      `SELECT p.patient_id FROM series se JOIN studies st ON st.study_uid = se.study_uid
         JOIN patients p ON p.id = st.patient_ref WHERE se.series_uid = ?`,
    ),
    patientExists: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM patients WHERE patient_id = ?',
    ),
    modelBySha: db.prepare<[string], { id: number; name: string }>(
      'SELECT id, name FROM models WHERE sha256 = ? ORDER BY id LIMIT 1',
    ),
    sameRun: db.prepare<[string, string, string], { id: number }>(
      'SELECT id FROM runs WHERE model_sha256 = ? AND series_uid = ? AND started_at = ?',
    ),
    insertRun: db.prepare<{
      model_id: number;
      model_name: string;
      model_sha256: string;
      series_uid: string;
      provider_used: string | null;
      provider_notes: string;
      params_json: string;
      slice_count: number;
      started_at: string;
      finished_at: string | null;
    }>(`
      INSERT INTO runs (model_id, model_name, model_sha256, series_uid, status, owner_pid, provider_requested,
        provider_used, provider_notes, params_json, slice_count, slices_done, tile_count, started_at, finished_at)
      VALUES (@model_id, @model_name, @model_sha256, @series_uid, 'done', ${process.pid}, 'auto',
        @provider_used, @provider_notes, @params_json, @slice_count, @slice_count, 0, @started_at, @finished_at)`),
    insertPrediction: db.prepare<[number, string, number, string, number, number, number, number, number]>(
      `INSERT INTO predictions (run_id, sop_uid, slice_index, label, score, x1, y1, x2, y2)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
  return {
    write: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    instance: (sop: string) => s.instance.get(sop),
    seriesExists: (uid: string) => s.seriesExists.get(uid)!.n > 0,
    sliceCount: (uid: string) => s.sliceCount.get(uid)!.n,
    readerNamed: (name: string) => s.readerNamed.get(name),
    insertReader: (name: string, at: string) => Number(s.insertReader.run(name, at).lastInsertRowid),
    labels: () => s.labels.all(),
    insertLabel: (label: string, position: number) => s.insertLabel.run(label, position),
    liveBoxesOn: (readerId: number, sop: string) => s.liveBoxesOn.all(readerId, sop),
    insertBox: (row: ImportedBoxRow) => Number(s.insertBox.run(row).lastInsertRowid),
    insertHistory: (boxId: number, at: string, readerId: number, afterJson: string) =>
      s.insertHistory.run(boxId, at, readerId, afterJson),
    caseState: (series: string, readerId: number) => s.caseState.get(series, readerId),
    upsertCase: (
      series: string,
      readerId: number,
      status: string,
      call: string | null,
      note: string,
      at: string,
    ) => s.upsertCase.run(series, readerId, status, call, note, at),
    patientOfSeries: (uid: string) => s.patientOfSeries.get(uid)?.patient_id,
    patientExists: (id: string) => s.patientExists.get(id)!.n > 0,
    modelBySha: (sha: string) => s.modelBySha.get(sha),
    sameRun: (sha: string, series: string, startedAt: string) =>
      s.sameRun.get(sha, series, startedAt) !== undefined,
    insertRun: (row: Parameters<typeof s.insertRun.run>[0]) => Number(s.insertRun.run(row).lastInsertRowid),
    insertPrediction: (
      runId: number,
      sop: string,
      sliceIndex: number,
      p: { label: string; score: number; box: { x1: number; y1: number; x2: number; y2: number } },
    ) =>
      s.insertPrediction.run(
        runId,
        sop,
        sliceIndex,
        p.label,
        p.score,
        p.box.x1,
        p.box.y1,
        p.box.x2,
        p.box.y2,
      ),
  };
}
