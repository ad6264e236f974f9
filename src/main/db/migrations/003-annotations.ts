// Readers' ground-truth annotation: readers, the workspace label list, boxes (soft-deleted so that undo
// can restore them), every box edit's history, and each reader's state of each case.
//
// Boxes and case states point at the catalog with deferred foreign keys: the importer replaces a changed
// file by deleting and re-inserting its instance row in one transaction, which a deferred key allows, while
// a catalog change that would orphan a box (its slice or series gone at commit) is refused rather than
// losing the box. Box coordinates follow shared/annotation/schemas.ts; slice indexes are read from
// `instances`, never stored with the box.
export const annotations003 = {
  name: '003-annotations',
  sql: /* sql */ `
    CREATE TABLE readers (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL COLLATE NOCASE UNIQUE,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE annotation_labels (
      label TEXT PRIMARY KEY,
      position INTEGER NOT NULL UNIQUE
    ) STRICT;
    INSERT INTO annotation_labels (label, position) VALUES ('DVT', 0);

    CREATE TABLE annotation_boxes (
      id INTEGER PRIMARY KEY,
      series_uid TEXT NOT NULL REFERENCES series(series_uid) DEFERRABLE INITIALLY DEFERRED,
      sop_uid TEXT NOT NULL REFERENCES instances(sop_uid) DEFERRABLE INITIALLY DEFERRED,
      reader_id INTEGER NOT NULL REFERENCES readers(id),
      label TEXT NOT NULL,
      x1 REAL NOT NULL,
      y1 REAL NOT NULL,
      x2 REAL NOT NULL,
      y2 REAL NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      deleted_at TEXT,
      CHECK (x1 >= 0 AND y1 >= 0 AND x2 > x1 AND y2 > y1)
    ) STRICT;
    -- Opening a case lists its live boxes; the case list counts them per reader (covered by this index).
    CREATE INDEX annotation_boxes_by_series ON annotation_boxes(series_uid, reader_id, deleted_at);
    -- Also what the foreign key needs when the catalog deletes an instance.
    CREATE INDEX annotation_boxes_by_sop ON annotation_boxes(sop_uid);

    -- before/after: JSON BoxSnapshot (shared/annotation/schemas.ts) or NULL.
    CREATE TABLE annotation_history (
      id INTEGER PRIMARY KEY,
      box_id INTEGER NOT NULL REFERENCES annotation_boxes(id),
      at TEXT NOT NULL,
      reader_id INTEGER NOT NULL REFERENCES readers(id),
      action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
      before_json TEXT,
      after_json TEXT
    ) STRICT;
    CREATE INDEX annotation_history_by_box ON annotation_history(box_id, id);

    CREATE TABLE case_states (
      series_uid TEXT NOT NULL REFERENCES series(series_uid) DEFERRABLE INITIALLY DEFERRED,
      reader_id INTEGER NOT NULL REFERENCES readers(id),
      status TEXT NOT NULL CHECK (status IN ('not-started', 'in-progress', 'done', 'flagged')),
      patient_call TEXT CHECK (patient_call IN ('present', 'absent', 'unsure')),
      note TEXT NOT NULL DEFAULT '',
      updated_at TEXT NOT NULL,
      PRIMARY KEY (series_uid, reader_id)
    ) STRICT, WITHOUT ROWID;
  `,
};
