// Cross-validation folds: each patient's fold (by the catalog's patient ID string, patients.patient_id),
// and the fold count and seed that produced them. Assigning folds again replaces all of them in one
// transaction. No foreign key to the catalog: a fold is the researcher's split of the cohort, kept
// when a patient's files are re-imported.
export const folds005 = {
  name: '005-folds',
  sql: /* sql */ `
    CREATE TABLE fold_assignment (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      k INTEGER NOT NULL CHECK (k >= 2),
      seed INTEGER NOT NULL,
      assigned_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE patient_folds (
      patient_id TEXT PRIMARY KEY,
      fold INTEGER NOT NULL CHECK (fold >= 0)
    ) STRICT;
  `,
};
