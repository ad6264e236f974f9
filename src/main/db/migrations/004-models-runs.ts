// Detection models and their runs. A model row keeps its manifest and the SHA-256 of the ONNX file,
// which is copied into the workspace (`models/<sha256>.onnx`) so a later run uses the same bytes.
// Each run of a model on a series is its own row: re-running adds a run beside the old ones, and
// predictions belong to exactly one run. Predictions name their slice by SOP instance UID and by its
// index at run time, and carry their box in DICOM pixel coordinates of that slice. No foreign keys to
// the catalog: re-importing a changed file must not be blocked by old runs.
export const modelsRuns004 = {
  name: '004-models-runs',
  sql: /* sql */ `
    CREATE TABLE models (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      sha256 TEXT NOT NULL,
      file_path TEXT NOT NULL,
      file_size INTEGER NOT NULL,
      source_path TEXT NOT NULL,
      manifest_json TEXT NOT NULL,
      graph_json TEXT NOT NULL,
      added_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE runs (
      id INTEGER PRIMARY KEY,
      model_id INTEGER NOT NULL REFERENCES models(id),
      model_name TEXT NOT NULL,
      model_sha256 TEXT NOT NULL,
      series_uid TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled', 'interrupted')),
      -- The process running it: another process finding it 'running' with its owner gone marks it interrupted.
      owner_pid INTEGER NOT NULL,
      provider_requested TEXT NOT NULL,
      provider_used TEXT,
      provider_notes TEXT NOT NULL DEFAULT '[]',
      params_json TEXT NOT NULL,
      slice_count INTEGER NOT NULL,
      slices_done INTEGER NOT NULL DEFAULT 0,
      tile_count INTEGER NOT NULL DEFAULT 0,
      started_at TEXT NOT NULL,
      finished_at TEXT,
      error TEXT
    ) STRICT;
    CREATE INDEX runs_by_series ON runs(series_uid, model_id);

    -- Time per slice (resampling, tiling, inference, decoding and merging of that slice's tiles).
    CREATE TABLE run_slices (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      sop_uid TEXT NOT NULL,
      slice_index INTEGER NOT NULL,
      tiles INTEGER NOT NULL,
      ms REAL NOT NULL,
      PRIMARY KEY (run_id, slice_index)
    ) STRICT;

    CREATE TABLE predictions (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      sop_uid TEXT NOT NULL,
      slice_index INTEGER NOT NULL,
      label TEXT NOT NULL,
      score REAL NOT NULL,
      x1 REAL NOT NULL,
      y1 REAL NOT NULL,
      x2 REAL NOT NULL,
      y2 REAL NOT NULL,
      CHECK (x1 >= 0 AND y1 >= 0 AND x2 > x1 AND y2 > y1 AND score >= 0 AND score <= 1)
    ) STRICT;
    CREATE INDEX predictions_by_run ON predictions(run_id, slice_index);
  `,
};
