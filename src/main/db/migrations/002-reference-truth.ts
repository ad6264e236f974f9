// Known ground truth shipped with generated data (the phantom's ground-truth.json), kept apart from
// readers' annotations: it is what the demo's thrombi really are, not anyone's reading.
export const referenceTruth002 = {
  name: '002-reference-truth',
  sql: /* sql */ `
    CREATE TABLE reference_sets (
      id INTEGER PRIMARY KEY,
      source TEXT NOT NULL,
      file_path TEXT NOT NULL,
      content_hash TEXT NOT NULL,
      imported_at TEXT NOT NULL,
      UNIQUE (file_path, content_hash)
    ) STRICT;

    CREATE TABLE reference_patients (
      set_ref INTEGER NOT NULL REFERENCES reference_sets(id) ON DELETE CASCADE,
      patient_id TEXT NOT NULL,
      series_uid TEXT NOT NULL,
      has_dvt INTEGER NOT NULL CHECK (has_dvt IN (0, 1)),
      PRIMARY KEY (set_ref, series_uid)
    ) STRICT;

    -- Boxes in continuous DICOM pixel coordinates of the slice (x1, y1, x2, y2; origin at the
    -- top-left corner of the first pixel). kind: 'vein', 'DVT', or a mimic kind.
    CREATE TABLE reference_boxes (
      id INTEGER PRIMARY KEY,
      set_ref INTEGER NOT NULL REFERENCES reference_sets(id) ON DELETE CASCADE,
      series_uid TEXT NOT NULL,
      sop_uid TEXT NOT NULL,
      kind TEXT NOT NULL,
      x1 REAL NOT NULL,
      y1 REAL NOT NULL,
      x2 REAL NOT NULL,
      y2 REAL NOT NULL,
      CHECK (x2 > x1 AND y2 > y1)
    ) STRICT;

    CREATE INDEX reference_boxes_by_series ON reference_boxes(series_uid, sop_uid);
  `,
};
