// The DICOM catalog: patients → studies → series → instances, one row per file.
export const catalog001 = {
  name: '001-catalog',
  sql: /* sql */ `
    CREATE TABLE workspace_meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE patients (
      id INTEGER PRIMARY KEY,
      patient_id TEXT NOT NULL,
      name TEXT NOT NULL,
      birth_date TEXT NOT NULL,
      sex TEXT NOT NULL,
      UNIQUE (patient_id, name)
    ) STRICT;

    CREATE TABLE studies (
      study_uid TEXT PRIMARY KEY,
      patient_ref INTEGER NOT NULL REFERENCES patients(id),
      study_date TEXT NOT NULL,
      study_time TEXT NOT NULL,
      description TEXT NOT NULL,
      accession TEXT NOT NULL
    ) STRICT;

    CREATE TABLE series (
      series_uid TEXT PRIMARY KEY,
      study_uid TEXT NOT NULL REFERENCES studies(study_uid),
      modality TEXT NOT NULL,
      description TEXT NOT NULL,
      series_number INTEGER,
      rows INTEGER NOT NULL,
      cols INTEGER NOT NULL,
      row_spacing REAL,
      col_spacing REAL,
      orientation TEXT,
      frame_of_reference_uid TEXT,
      window_center REAL,
      window_width REAL,
      slice_spacing REAL,
      ordered_by TEXT NOT NULL DEFAULT 'position',
      warnings TEXT NOT NULL DEFAULT '[]',
      hu_min REAL,
      hu_max REAL
    ) STRICT;

    CREATE TABLE instances (
      sop_uid TEXT PRIMARY KEY,
      series_uid TEXT NOT NULL REFERENCES series(series_uid),
      file_path TEXT NOT NULL UNIQUE,
      file_size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      content_hash TEXT NOT NULL,
      transfer_syntax TEXT,
      instance_number INTEGER,
      pos_x REAL,
      pos_y REAL,
      pos_z REAL,
      rescale_slope REAL NOT NULL,
      rescale_intercept REAL NOT NULL,
      hu_min REAL NOT NULL,
      hu_max REAL NOT NULL,
      slice_index INTEGER
    ) STRICT;

    CREATE INDEX instances_by_series ON instances(series_uid, slice_index);
    CREATE INDEX series_by_study ON series(study_uid);
    CREATE INDEX studies_by_patient ON studies(patient_ref);
  `,
};
