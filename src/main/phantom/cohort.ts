/**
 * Cohort-level choices: which patients have a DVT (half of them, rounded up, at seeded positions) and which were
 * scanned feet first (the other half of the positions), so both classes and both orientations always appear.
 */
import type { PatientPosition, PatientRequest } from './patient';
import { deriveSeed, Prng } from './prng';

export const DEFAULT_SLICES_PER_PATIENT = 60;
/** Enough slices for a 3-slice thrombus plus its neighbours in every vein segment the planner may pick. */
export const MIN_SLICES_PER_PATIENT = 10;
export const MAX_SLICES_PER_PATIENT = 400;

export function planCohort(seed: number, patients: number, sliceCount: number): PatientRequest[] {
  const rng = new Prng(deriveSeed(seed, 'cohort'));
  const indices = Array.from({ length: patients }, (_, i) => i);
  const positives = new Set(rng.shuffled(indices).slice(0, Math.ceil(patients / 2)));
  const feetFirst = new Set(rng.shuffled(indices).slice(0, Math.floor(patients / 2)));
  return indices.map((index) => ({
    cohortSeed: seed,
    index,
    hasDvt: positives.has(index),
    position: (feetFirst.has(index) ? 'FFS' : 'HFS') satisfies PatientPosition,
    sliceCount,
  }));
}
