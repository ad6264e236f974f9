// SQL for readers' annotations (tables of migration 003). Every statement binds its parameters; the
// rules around them (validation, locking, history) live in annotationService.ts, which opens the
// transactions.
import type { Db } from '../db/database';

export interface BoxRow {
  id: number;
  series_uid: string;
  sop_uid: string;
  /** From the catalog (instances.slice_index), not stored with the box. */
  slice_index: number;
  reader_id: number;
  label: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface NewBoxRow {
  series_uid: string;
  sop_uid: string;
  reader_id: number;
  label: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  at: string;
}

export interface BoxPlacement {
  id: number;
  sop_uid: string;
  label: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  at: string;
}

export interface HistoryRow {
  box_id: number;
  at: string;
  reader_id: number;
  action: 'create' | 'update' | 'delete' | 'restore';
  before_json: string | null;
  after_json: string | null;
}

export interface ReaderRow {
  id: number;
  name: string;
}

export interface CaseStateRow {
  series_uid: string;
  reader_id: number;
  status: string;
  patient_call: string | null;
  note: string;
  updated_at: string;
}

export interface CaseRow {
  series_uid: string;
  description: string;
  patient_id: string;
  patient_name: string;
  slices: number;
}

const BOX_COLUMNS = `b.id, b.series_uid, b.sop_uid, i.slice_index, b.reader_id, b.label, b.x1, b.y1, b.x2, b.y2,
  b.created_at, b.updated_at, b.deleted_at`;

export type AnnotationStore = ReturnType<typeof createAnnotationStore>;

export function createAnnotationStore(db: Db) {
  const s = {
    readers: db.prepare<[], ReaderRow>('SELECT id, name FROM readers ORDER BY id'),
    reader: db.prepare<[number], ReaderRow>('SELECT id, name FROM readers WHERE id = ?'),
    readerNamed: db.prepare<[string], ReaderRow>('SELECT id, name FROM readers WHERE name = ?'),
    insertReader: db.prepare<[string, string]>('INSERT INTO readers (name, created_at) VALUES (?, ?)'),

    labels: db.prepare<[], { label: string }>('SELECT label FROM annotation_labels ORDER BY position'),
    deleteLabels: db.prepare('DELETE FROM annotation_labels'),
    insertLabel: db.prepare<[string, number]>(
      'INSERT INTO annotation_labels (label, position) VALUES (?, ?)',
    ),
    labelUsage: db.prepare<[], { label: string; n: number }>(
      'SELECT label, count(*) AS n FROM annotation_boxes WHERE deleted_at IS NULL GROUP BY label',
    ),

    seriesShape: db.prepare<[string], { rows: number; cols: number }>(
      'SELECT rows, cols FROM series WHERE series_uid = ?',
    ),
    slicesOfSeries: db.prepare<[string], { sop_uid: string; slice_index: number }>(
      'SELECT sop_uid, slice_index FROM instances WHERE series_uid = ?',
    ),
    slice: db.prepare<[string], { series_uid: string; slice_index: number }>(
      'SELECT series_uid, slice_index FROM instances WHERE sop_uid = ?',
    ),

    liveBoxesOfSeries: db.prepare<[string], BoxRow>(`
      SELECT ${BOX_COLUMNS} FROM annotation_boxes b JOIN instances i ON i.sop_uid = b.sop_uid
       WHERE b.series_uid = ? AND b.deleted_at IS NULL
       ORDER BY i.slice_index, b.id`),
    box: db.prepare<[number], BoxRow>(`
      SELECT ${BOX_COLUMNS} FROM annotation_boxes b JOIN instances i ON i.sop_uid = b.sop_uid WHERE b.id = ?`),
    boxExists: db.prepare<[number], { id: number }>('SELECT id FROM annotation_boxes WHERE id = ?'),
    insertBox: db.prepare<NewBoxRow>(`
      INSERT INTO annotation_boxes (series_uid, sop_uid, reader_id, label, x1, y1, x2, y2, created_at, updated_at)
      VALUES (@series_uid, @sop_uid, @reader_id, @label, @x1, @y1, @x2, @y2, @at, @at)`),
    placeBox: db.prepare<BoxPlacement>(`
      UPDATE annotation_boxes SET sop_uid = @sop_uid, label = @label, x1 = @x1, y1 = @y1, x2 = @x2, y2 = @y2,
        updated_at = @at WHERE id = @id`),
    setDeleted: db.prepare<[string | null, string, number]>(
      'UPDATE annotation_boxes SET deleted_at = ?, updated_at = ? WHERE id = ?',
    ),

    insertHistory: db.prepare<HistoryRow>(`
      INSERT INTO annotation_history (box_id, at, reader_id, action, before_json, after_json)
      VALUES (@box_id, @at, @reader_id, @action, @before_json, @after_json)`),
    historyOfBox: db.prepare<[number], HistoryRow>(`
      SELECT box_id, at, reader_id, action, before_json, after_json FROM annotation_history
       WHERE box_id = ? ORDER BY id`),

    caseState: db.prepare<[string, number], CaseStateRow>(
      'SELECT * FROM case_states WHERE series_uid = ? AND reader_id = ?',
    ),
    upsertCaseState: db.prepare<CaseStateRow>(`
      INSERT INTO case_states (series_uid, reader_id, status, patient_call, note, updated_at)
      VALUES (@series_uid, @reader_id, @status, @patient_call, @note, @updated_at)
      ON CONFLICT (series_uid, reader_id) DO UPDATE SET status = excluded.status,
        patient_call = excluded.patient_call, note = excluded.note, updated_at = excluded.updated_at`),

    cases: db.prepare<[], CaseRow>(`
      SELECT se.series_uid, se.description, p.patient_id, p.name AS patient_name,
             (SELECT count(*) FROM instances i WHERE i.series_uid = se.series_uid) AS slices
        FROM series se JOIN studies st ON st.study_uid = se.study_uid JOIN patients p ON p.id = st.patient_ref
       ORDER BY p.patient_id, p.name, st.study_date, se.series_number, se.series_uid`),
    liveBoxCounts: db.prepare<[], { series_uid: string; reader_id: number; n: number }>(`
      SELECT series_uid, reader_id, count(*) AS n FROM annotation_boxes WHERE deleted_at IS NULL
       GROUP BY series_uid, reader_id`),
    caseStatuses: db.prepare<[], { series_uid: string; reader_id: number; status: string }>(
      'SELECT series_uid, reader_id, status FROM case_states',
    ),
  };

  return {
    /** Runs `fn` in one write transaction (BEGIN IMMEDIATE), committed before this returns. */
    write: <T>(fn: () => T): T => db.transaction(fn).immediate(),

    readers: () => s.readers.all(),
    reader: (id: number) => s.reader.get(id),
    /** Name lookup ignores case (the column is COLLATE NOCASE). */
    readerNamed: (name: string) => s.readerNamed.get(name),
    insertReader: (name: string, at: string) => Number(s.insertReader.run(name, at).lastInsertRowid),

    labels: () => s.labels.all().map((r) => r.label),
    replaceLabels(labels: readonly string[]): void {
      s.deleteLabels.run();
      labels.forEach((label, i) => s.insertLabel.run(label, i));
    },
    /** Live boxes per label. */
    labelUsage: () => new Map(s.labelUsage.all().map((r) => [r.label, r.n])),

    seriesShape: (seriesUid: string) => s.seriesShape.get(seriesUid),
    /** SOP instance UID → slice index, for every slice of the series. */
    slicesOfSeries: (seriesUid: string) =>
      new Map(s.slicesOfSeries.all(seriesUid).map((r) => [r.sop_uid, r.slice_index])),
    slice: (sopUid: string) => s.slice.get(sopUid),

    liveBoxesOfSeries: (seriesUid: string) => s.liveBoxesOfSeries.all(seriesUid),
    /** A box, deleted or not. */
    box: (id: number) => s.box.get(id),
    boxExists: (id: number) => s.boxExists.get(id) !== undefined,
    insertBox: (row: NewBoxRow) => Number(s.insertBox.run(row).lastInsertRowid),
    placeBox: (row: BoxPlacement) => s.placeBox.run(row),
    setDeleted: (id: number, deletedAt: string | null, at: string) => s.setDeleted.run(deletedAt, at, id),

    insertHistory: (row: HistoryRow) => s.insertHistory.run(row),
    historyOfBox: (id: number) => s.historyOfBox.all(id),

    caseState: (seriesUid: string, readerId: number) => s.caseState.get(seriesUid, readerId),
    upsertCaseState: (row: CaseStateRow) => s.upsertCaseState.run(row),

    cases: () => s.cases.all(),
    liveBoxCounts: () => s.liveBoxCounts.all(),
    caseStatuses: () => s.caseStatuses.all(),
  };
}
