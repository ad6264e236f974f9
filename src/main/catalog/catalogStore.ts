// SQL for the DICOM catalog. Every statement binds its parameters; writes happen inside the
// transactions the importer opens.
import type { Db } from '../db/database';

export interface InstanceRow {
  sop_uid: string;
  series_uid: string;
  file_path: string;
  file_size: number;
  mtime_ms: number;
  content_hash: string;
  transfer_syntax: string | null;
  instance_number: number | null;
  pos_x: number | null;
  pos_y: number | null;
  pos_z: number | null;
  rescale_slope: number;
  rescale_intercept: number;
  hu_min: number;
  hu_max: number;
  slice_index: number | null;
}

export interface SeriesRow {
  series_uid: string;
  study_uid: string;
  modality: string;
  description: string;
  series_number: number | null;
  rows: number;
  cols: number;
  row_spacing: number | null;
  col_spacing: number | null;
  orientation: string | null;
  frame_of_reference_uid: string | null;
  window_center: number | null;
  window_width: number | null;
  slice_spacing: number | null;
  ordered_by: string;
  warnings: string;
  hu_min: number | null;
  hu_max: number | null;
}

export interface StudyRow {
  study_uid: string;
  patient_ref: number;
  study_date: string;
  study_time: string;
  description: string;
  accession: string;
}

export interface PatientRow {
  id: number;
  patient_id: string;
  name: string;
  birth_date: string;
  sex: string;
}

export type CatalogStore = ReturnType<typeof createCatalogStore>;

export function createCatalogStore(db: Db) {
  const s = {
    instanceByPath: db.prepare<[string], InstanceRow>('SELECT * FROM instances WHERE file_path = ?'),
    instanceBySop: db.prepare<[string], InstanceRow>('SELECT * FROM instances WHERE sop_uid = ?'),
    touchInstance: db.prepare<[number, string]>('UPDATE instances SET mtime_ms = ? WHERE file_path = ?'),
    deleteInstanceByPath: db.prepare<[string]>('DELETE FROM instances WHERE file_path = ?'),
    insertInstance: db.prepare<InstanceRow>(`
      INSERT INTO instances (sop_uid, series_uid, file_path, file_size, mtime_ms, content_hash, transfer_syntax,
        instance_number, pos_x, pos_y, pos_z, rescale_slope, rescale_intercept, hu_min, hu_max, slice_index)
      VALUES (@sop_uid, @series_uid, @file_path, @file_size, @mtime_ms, @content_hash, @transfer_syntax,
        @instance_number, @pos_x, @pos_y, @pos_z, @rescale_slope, @rescale_intercept, @hu_min, @hu_max, @slice_index)`),
    instancesOfSeries: db.prepare<[string], InstanceRow>(
      'SELECT * FROM instances WHERE series_uid = ? ORDER BY slice_index, sop_uid',
    ),
    instanceAt: db.prepare<[string, number], InstanceRow>(
      'SELECT * FROM instances WHERE series_uid = ? AND slice_index = ?',
    ),
    setSliceIndex: db.prepare<[number, string]>('UPDATE instances SET slice_index = ? WHERE sop_uid = ?'),
    findPatient: db.prepare<[string, string], PatientRow>(
      'SELECT * FROM patients WHERE patient_id = ? AND name = ?',
    ),
    insertPatient: db.prepare<[string, string, string, string]>(
      'INSERT INTO patients (patient_id, name, birth_date, sex) VALUES (?, ?, ?, ?)',
    ),
    study: db.prepare<[string], StudyRow>('SELECT * FROM studies WHERE study_uid = ?'),
    insertStudy: db.prepare<StudyRow>(`
      INSERT INTO studies (study_uid, patient_ref, study_date, study_time, description, accession)
      VALUES (@study_uid, @patient_ref, @study_date, @study_time, @description, @accession)`),
    series: db.prepare<[string], SeriesRow>('SELECT * FROM series WHERE series_uid = ?'),
    insertSeries: db.prepare<SeriesRow>(`
      INSERT INTO series (series_uid, study_uid, modality, description, series_number, rows, cols, row_spacing,
        col_spacing, orientation, frame_of_reference_uid, window_center, window_width, slice_spacing, ordered_by,
        warnings, hu_min, hu_max)
      VALUES (@series_uid, @study_uid, @modality, @description, @series_number, @rows, @cols, @row_spacing,
        @col_spacing, @orientation, @frame_of_reference_uid, @window_center, @window_width, @slice_spacing,
        @ordered_by, @warnings, @hu_min, @hu_max)`),
    updateSeriesSummary: db.prepare<{
      series_uid: string;
      slice_spacing: number | null;
      ordered_by: string;
      warnings: string;
      hu_min: number | null;
      hu_max: number | null;
    }>(`UPDATE series SET slice_spacing = @slice_spacing, ordered_by = @ordered_by, warnings = @warnings,
          hu_min = @hu_min, hu_max = @hu_max WHERE series_uid = @series_uid`),
    deleteSeries: db.prepare<[string]>('DELETE FROM series WHERE series_uid = ?'),
    // Readers' work that refers to catalog rows (see migrations 003 and 007): such rows are never dropped.
    boxesOnInstance: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM annotation_boxes WHERE sop_uid = ?',
    ),
    workOnSeries: db.prepare<[string, string, string, string], { n: number }>(
      `SELECT (SELECT count(*) FROM annotation_boxes WHERE series_uid = ?)
            + (SELECT count(*) FROM case_states WHERE series_uid = ?)
            + (SELECT count(*) FROM suggestion_decisions WHERE series_uid = ?)
            + (SELECT count(*) FROM reading_events WHERE series_uid = ?) AS n`,
    ),
    deleteEmptyStudies: db.prepare(
      'DELETE FROM studies WHERE study_uid NOT IN (SELECT DISTINCT study_uid FROM series)',
    ),
    deleteEmptyPatients: db.prepare(
      'DELETE FROM patients WHERE id NOT IN (SELECT DISTINCT patient_ref FROM studies)',
    ),
    allPatients: db.prepare<[], PatientRow>('SELECT * FROM patients ORDER BY patient_id, name'),
    allSeriesUids: db.prepare<[], { series_uid: string }>(
      `SELECT se.series_uid FROM series se JOIN studies st ON st.study_uid = se.study_uid
       JOIN patients p ON p.id = st.patient_ref
       ORDER BY p.patient_id, p.name, st.study_date, st.study_time, se.series_number, se.series_uid`,
    ),
    studiesOfPatient: db.prepare<[number], StudyRow>(
      'SELECT * FROM studies WHERE patient_ref = ? ORDER BY study_date, study_uid',
    ),
    seriesOfStudy: db.prepare<[string], SeriesRow>(
      'SELECT * FROM series WHERE study_uid = ? ORDER BY series_number, series_uid',
    ),
    patientOfStudy: db.prepare<[string], PatientRow>(
      'SELECT p.* FROM patients p JOIN studies s ON s.patient_ref = p.id WHERE s.study_uid = ?',
    ),
    countSlices: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM instances WHERE series_uid = ?',
    ),
    counts: db.prepare<
      [],
      { patients: number; studies: number; series: number; instances: number }
    >(`SELECT (SELECT count(*) FROM patients) AS patients, (SELECT count(*) FROM studies) AS studies,
        (SELECT count(*) FROM series) AS series, (SELECT count(*) FROM instances) AS instances`),
    seriesDescribedAs: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM series WHERE instr(description, ?) > 0',
    ),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM workspace_meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>(
      'INSERT INTO workspace_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
  };

  return {
    db,
    instanceByPath: (path: string) => s.instanceByPath.get(path),
    instanceBySop: (sop: string) => s.instanceBySop.get(sop),
    touchInstance: (path: string, mtimeMs: number) => s.touchInstance.run(mtimeMs, path),
    deleteInstanceByPath: (path: string) => s.deleteInstanceByPath.run(path),
    insertInstance: (row: InstanceRow) => s.insertInstance.run(row),
    instancesOfSeries: (seriesUid: string) => s.instancesOfSeries.all(seriesUid),
    instanceAt: (seriesUid: string, sliceIndex: number) => s.instanceAt.get(seriesUid, sliceIndex),
    setSliceIndex: (sop: string, index: number) => s.setSliceIndex.run(index, sop),
    /** The patient row for this ID and name, created when new. */
    ensurePatient(patientId: string, name: string, birthDate: string, sex: string): number {
      const found = s.findPatient.get(patientId, name);
      if (found) return found.id;
      return Number(s.insertPatient.run(patientId, name, birthDate, sex).lastInsertRowid);
    },
    study: (uid: string) => s.study.get(uid),
    insertStudy: (row: StudyRow) => s.insertStudy.run(row),
    series: (uid: string) => s.series.get(uid),
    insertSeries: (row: SeriesRow) => s.insertSeries.run(row),
    updateSeriesSummary: (row: Parameters<typeof s.updateSeriesSummary.run>[0]) =>
      s.updateSeriesSummary.run(row),
    /** Drops a series with no instances left, and studies and patients left empty. */
    /** Annotation boxes (live or deleted) drawn on this instance's slice. */
    boxesOnInstance: (sopUid: string) => s.boxesOnInstance.get(sopUid)?.n ?? 0,
    pruneSeries(seriesUid: string): void {
      const empty = (s.countSlices.get(seriesUid)?.n ?? 0) === 0;
      const work = () => s.workOnSeries.get(seriesUid, seriesUid, seriesUid, seriesUid)?.n ?? 0;
      if (empty && work() === 0) s.deleteSeries.run(seriesUid);
      s.deleteEmptyStudies.run();
      s.deleteEmptyPatients.run();
    },
    allPatients: () => s.allPatients.all(),
    /** Every series, in the order the workspace browser lists them. */
    allSeriesUids: () => s.allSeriesUids.all().map((r) => r.series_uid),
    studiesOfPatient: (id: number) => s.studiesOfPatient.all(id),
    seriesOfStudy: (uid: string) => s.seriesOfStudy.all(uid),
    patientOfStudy: (uid: string) => s.patientOfStudy.get(uid),
    countSlices: (seriesUid: string) => s.countSlices.get(seriesUid)?.n ?? 0,
    counts: () => s.counts.get() ?? { patients: 0, studies: 0, series: 0, instances: 0 },
    /** How many series have this text in their description. */
    seriesDescribedAs: (text: string) => s.seriesDescribedAs.get(text)?.n ?? 0,
    getMeta: (key: string) => s.getMeta.get(key)?.value,
    setMeta: (key: string, value: string) => s.setMeta.run(key, value),
  };
}
