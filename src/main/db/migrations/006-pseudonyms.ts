// De-identification pseudonyms: what each exported identifier was replaced by, so that the same patient,
// UID or reader gets the same pseudonym in every export, and an import of a de-identified file maps back
// to this workspace's slices. The mapping never leaves the workspace (it is not part of any export).
// kind: 'patient' (patient ID), 'uid' (study, series, instance, frame-of-reference UIDs), 'reader'.
export const pseudonyms006 = {
  name: '006-pseudonyms',
  sql: /* sql */ `
    CREATE TABLE pseudonyms (
      kind TEXT NOT NULL CHECK (kind IN ('patient', 'uid', 'reader')),
      original TEXT NOT NULL,
      pseudonym TEXT NOT NULL,
      created_at TEXT NOT NULL,
      PRIMARY KEY (kind, original),
      UNIQUE (kind, pseudonym)
    ) STRICT, WITHOUT ROWID;
  `,
};
