// SQL behind exports and imports: the rows an annotation set is made of, read in one go per series.
// Every statement binds its parameters; imports write through the annotation and run stores' own SQL
// plus the few statements here, inside the import service's one transaction.
import type { Db } from '../db/database';

export interface ExportBoxRow {
  reader: string;
  series_uid: string;
  sop_uid: string;
  slice_index: number;
  label: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  created_at: string;
  updated_at: string;
}

export interface ExportCaseRow {
  reader: string;
  series_uid: string;
  status: string;
  patient_call: string | null;
  note: string;
  updated_at: string;
}

export interface ExportSeriesRow {
  series_uid: string;
  study_uid: string;
  modality: string;
  description: string;
  rows: number;
  cols: number;
  row_spacing: number | null;
  col_spacing: number | null;
  frame_of_reference_uid: string | null;
  study_date: string;
  study_time: string;
  accession: string;
  study_description: string;
  patient_id: string;
  patient_name: string;
  birth_date: string;
  sex: string;
}

export interface ExportRunRow {
  id: number;
  model_name: string;
  model_sha256: string;
  series_uid: string;
  status: string;
  provider_used: string | null;
  params_json: string;
  started_at: string;
  finished_at: string | null;
}

export type ExchangeStore = ReturnType<typeof createExchangeStore>;

export function createExchangeStore(db: Db) {
  const s = {
    readers: db.prepare<[], { id: number; name: string }>('SELECT id, name FROM readers ORDER BY id'),
    labels: db.prepare<[], { label: string }>('SELECT label FROM annotation_labels ORDER BY position'),
    boxesOfSeries: db.prepare<[string], ExportBoxRow>(`
      SELECT r.name AS reader, b.series_uid, b.sop_uid, i.slice_index, b.label, b.x1, b.y1, b.x2, b.y2,
             b.created_at, b.updated_at
        FROM annotation_boxes b JOIN instances i ON i.sop_uid = b.sop_uid JOIN readers r ON r.id = b.reader_id
       WHERE b.series_uid = ? AND b.deleted_at IS NULL
       ORDER BY r.id, i.slice_index, b.id`),
    casesOfSeries: db.prepare<[string], ExportCaseRow>(`
      SELECT r.name AS reader, c.series_uid, c.status, c.patient_call, c.note, c.updated_at
        FROM case_states c JOIN readers r ON r.id = c.reader_id
       WHERE c.series_uid = ? ORDER BY r.id`),
    seriesWithWork: db.prepare<[], { series_uid: string; reader: string }>(`
      SELECT DISTINCT b.series_uid, r.name AS reader FROM annotation_boxes b JOIN readers r ON r.id = b.reader_id
       WHERE b.deleted_at IS NULL
      UNION
      SELECT DISTINCT c.series_uid, r.name AS reader FROM case_states c JOIN readers r ON r.id = c.reader_id`),
    seriesWithReference: db.prepare<[], { series_uid: string }>(
      'SELECT DISTINCT series_uid FROM reference_boxes',
    ),
    series: db.prepare<[string], ExportSeriesRow>(`
      SELECT se.series_uid, se.study_uid, se.modality, se.description, se.rows, se.cols, se.row_spacing,
             se.col_spacing, se.frame_of_reference_uid, st.study_date, st.study_time, st.accession,
             st.description AS study_description, p.patient_id, p.name AS patient_name, p.birth_date, p.sex
        FROM series se JOIN studies st ON st.study_uid = se.study_uid JOIN patients p ON p.id = st.patient_ref
       WHERE se.series_uid = ?`),
    allSeries: db.prepare<[], { series_uid: string }>(`
      SELECT se.series_uid FROM series se JOIN studies st ON st.study_uid = se.study_uid
        JOIN patients p ON p.id = st.patient_ref
       ORDER BY p.patient_id, p.name, st.study_date, st.study_time, se.series_number, se.series_uid`),
    slices: db.prepare<[string], { sop_uid: string; slice_index: number; file_path: string }>(
      'SELECT sop_uid, slice_index, file_path FROM instances WHERE series_uid = ? ORDER BY slice_index, sop_uid',
    ),
    doneRuns: db.prepare<[], ExportRunRow>(
      `SELECT id, model_name, model_sha256, series_uid, status, provider_used, params_json, started_at, finished_at
         FROM runs WHERE status = 'done' ORDER BY id`,
    ),
    run: db.prepare<[number], ExportRunRow>(
      `SELECT id, model_name, model_sha256, series_uid, status, provider_used, params_json, started_at, finished_at
         FROM runs WHERE id = ?`,
    ),
    predictions: db.prepare<
      [number],
      {
        sop_uid: string;
        slice_index: number;
        label: string;
        score: number;
        x1: number;
        y1: number;
        x2: number;
        y2: number;
      }
    >(
      'SELECT sop_uid, slice_index, label, score, x1, y1, x2, y2 FROM predictions WHERE run_id = ? ORDER BY id',
    ),
  };
  return {
    readers: () => s.readers.all(),
    labels: () => s.labels.all().map((r) => r.label),
    boxesOfSeries: (uid: string) => s.boxesOfSeries.all(uid),
    casesOfSeries: (uid: string) => s.casesOfSeries.all(uid),
    seriesWithWork: () => s.seriesWithWork.all(),
    seriesWithReference: () => s.seriesWithReference.all().map((r) => r.series_uid),
    series: (uid: string) => s.series.get(uid),
    allSeries: () => s.allSeries.all().map((r) => r.series_uid),
    slices: (uid: string) => s.slices.all(uid),
    doneRuns: () => s.doneRuns.all(),
    run: (id: number) => s.run.get(id),
    predictions: (runId: number) => s.predictions.all(runId),
  };
}
