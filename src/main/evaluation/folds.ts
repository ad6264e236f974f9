// The workspace's cross-validation split: patients (by the catalog's patient ID) assigned to k folds
// by the evaluator's seeded assignment, stored so that every later evaluation uses the same split.
import { assignFolds } from '../../shared/evaluation';
import type { FoldAssignment } from '../../shared/evaluation/dataset';
import { InvalidInputError } from '../services/errors';
import type { EvaluationStore } from './evaluationStore';

export function storedFolds(store: EvaluationStore): FoldAssignment {
  const assignment = store.foldAssignment();
  return {
    k: assignment?.k ?? null,
    seed: assignment?.seed ?? null,
    folds: store.folds().map((r) => ({ patientId: r.patient_id, fold: r.fold })),
  };
}

/** Assigns every patient of the catalog a fold, replacing the stored split (one transaction). */
export function assignAndStoreFolds(store: EvaluationStore, k: number, seed: number): FoldAssignment {
  const patients = store.patientIds();
  if (patients.length < k) {
    throw new InvalidInputError(
      `${k} folds need at least ${k} patients; the workspace has ${patients.length}`,
    );
  }
  store.replaceFolds(k, seed, assignFolds(patients, k, seed), new Date().toISOString());
  return storedFolds(store);
}

/** The stored folds as the evaluator's fold lookup; throws when none were assigned. */
export function foldLookup(store: EvaluationStore): {
  assignment: FoldAssignment;
  foldOf: Map<string, number>;
} {
  const assignment = storedFolds(store);
  if (assignment.k === null) {
    throw new InvalidInputError(
      'no folds are assigned in this workspace (dvt folds --assign --k K --seed S)',
    );
  }
  return { assignment, foldOf: new Map(assignment.folds.map((f) => [f.patientId, f.fold])) };
}
