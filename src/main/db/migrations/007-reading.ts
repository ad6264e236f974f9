// AI-assisted reading (shared/reading/schemas.ts). A reader's decision on a model's suggestion copies
// the suggestion (run, model, score, label, slice, box) rather than pointing at the prediction, so an
// accepted box keeps its provenance after the run is deleted. An undone decision stays as history
// (`undone_at`); at most one live decision per reader and prediction. An accept names the box it created.
//
// The reading clock stores what the viewer reported (open, close, heartbeat) and main's `done`; the
// reading time is computed from these events (shared/reading/readingTime.ts), never stored.
export const reading007 = {
  name: '007-reading',
  sql: /* sql */ `
    CREATE TABLE suggestion_decisions (
      id INTEGER PRIMARY KEY,
      series_uid TEXT NOT NULL REFERENCES series(series_uid) DEFERRABLE INITIALLY DEFERRED,
      reader_id INTEGER NOT NULL REFERENCES readers(id),
      prediction_id INTEGER NOT NULL,
      run_id INTEGER NOT NULL,
      model_name TEXT NOT NULL,
      model_sha256 TEXT NOT NULL,
      score REAL NOT NULL,
      label TEXT NOT NULL,
      sop_uid TEXT NOT NULL,
      x1 REAL NOT NULL,
      y1 REAL NOT NULL,
      x2 REAL NOT NULL,
      y2 REAL NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('accepted', 'rejected')),
      reason TEXT,
      box_id INTEGER REFERENCES annotation_boxes(id),
      at TEXT NOT NULL,
      undone_at TEXT,
      CHECK ((kind = 'accepted') = (box_id IS NOT NULL)),
      CHECK (score >= 0 AND score <= 1 AND x2 > x1 AND y2 > y1)
    ) STRICT;
    CREATE UNIQUE INDEX suggestion_decisions_live ON suggestion_decisions(reader_id, prediction_id)
      WHERE undone_at IS NULL;
    CREATE INDEX suggestion_decisions_by_series ON suggestion_decisions(series_uid, reader_id);
    CREATE INDEX suggestion_decisions_by_box ON suggestion_decisions(box_id);

    CREATE TABLE reading_events (
      id INTEGER PRIMARY KEY,
      series_uid TEXT NOT NULL REFERENCES series(series_uid) DEFERRABLE INITIALLY DEFERRED,
      reader_id INTEGER NOT NULL REFERENCES readers(id),
      kind TEXT NOT NULL CHECK (kind IN ('open', 'close', 'heartbeat', 'done')),
      at TEXT NOT NULL,
      suggestions_shown INTEGER NOT NULL CHECK (suggestions_shown IN (0, 1))
    ) STRICT;
    CREATE INDEX reading_events_by_case ON reading_events(series_uid, reader_id, id);
  `,
};
