/**
 * Synthetic LECTA cohort generator: writes `DIR/P001/IM0001.dcm …` (CT Image Storage, one series per patient) and
 * `DIR/ground-truth.json` (see shared/phantom/groundTruth.ts). Deterministic for a seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  groundTruthSchema,
  type SliceTruth,
  GROUND_TRUTH_VERSION,
  type GroundTruth,
  type PatientTruth,
} from '../../shared/phantom/groundTruth';
import {
  DEFAULT_SLICES_PER_PATIENT,
  MAX_SLICES_PER_PATIENT,
  MIN_SLICES_PER_PATIENT,
  planCohort,
} from './cohort';
import { createCtSeriesWriter } from './dicomWriter';
import { seriesHeader, sliceHeader } from './headers';
import { createNoiseTable } from './noise';
import { IMAGE_SIZE, instanceNumber, planPatient } from './patient';
import { deriveSeed } from './prng';
import { createSliceBuffers, renderPatientSlice } from './renderSlice';
import { dicomFileName, patientTruth, sliceTruth } from './truth';

export interface PhantomOptions {
  outDir: string;
  patients: number;
  /** Any safe integer; the same seed always gives byte-identical files. */
  seed: number;
  /**
   * Slices per series (default 60, 10–400). The DICOM spacing stays 5 mm and the anatomy always runs from L5 to the
   * distal thigh, so fewer slices sample it more coarsely (small test cohorts still contain every vein segment).
   */
  slicesPerPatient?: number;
  /** Called after each slice is rendered, with slices done and slices in the whole cohort. */
  onProgress?: (done: number, total: number) => void;
}

export interface PhantomResult {
  outDir: string;
  groundTruthPath: string;
  patients: number;
  /** Total number of slices written. */
  slices: number;
  /** Paths of the DICOM files (under outDir), patient by patient, in file-name order. */
  files: string[];
}

export const GROUND_TRUTH_FILE = 'ground-truth.json';

function validate(opts: PhantomOptions): number {
  const slices = opts.slicesPerPatient ?? DEFAULT_SLICES_PER_PATIENT;
  if (!Number.isInteger(opts.patients) || opts.patients < 1)
    throw new RangeError('patients must be a positive integer');
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError('seed must be an integer');
  if (!Number.isInteger(slices) || slices < MIN_SLICES_PER_PATIENT || slices > MAX_SLICES_PER_PATIENT) {
    throw new RangeError(
      `slicesPerPatient must be an integer from ${MIN_SLICES_PER_PATIENT} to ${MAX_SLICES_PER_PATIENT}`,
    );
  }
  if (!opts.outDir) throw new RangeError('outDir is required');
  return slices;
}

export async function generateCohort(opts: PhantomOptions): Promise<PhantomResult> {
  const sliceCount = validate(opts);
  const { outDir, seed } = opts;
  const requests = planCohort(seed, opts.patients, sliceCount);
  const noise = createNoiseTable(deriveSeed(seed, 'noise'));
  const buffers = createSliceBuffers(IMAGE_SIZE);
  const total = requests.length * sliceCount;
  const patients: PatientTruth[] = [];
  const files: string[] = [];
  let done = 0;
  await mkdir(outDir, { recursive: true });

  for (const request of requests) {
    const model = planPatient(request);
    const dir = join(outDir, model.code);
    await mkdir(dir, { recursive: true });
    const write = createCtSeriesWriter(seriesHeader(model));
    const slices: SliceTruth[] = [];
    const patientFiles: string[] = [];
    // One write in flight while the next slice renders.
    let pending: Promise<void> = Promise.resolve();
    for (let index = 0; index < sliceCount; index++) {
      const boxes = renderPatientSlice(model, index, buffers, { noise, cohortSeed: seed });
      const bytes = write(sliceHeader(model, index), buffers.stored);
      const path = join(dir, dicomFileName(instanceNumber(model, index)));
      patientFiles.push(path);
      slices.push(sliceTruth(model, index, boxes));
      await pending;
      pending = writeFile(path, bytes);
      done++;
      opts.onProgress?.(done, total);
    }
    await pending;
    patients.push(patientTruth(model, slices));
    files.push(...patientFiles.sort());
  }

  const truth: GroundTruth = groundTruthSchema.parse({
    version: GROUND_TRUTH_VERSION,
    generator: 'dvt-workstation-phantom',
    seed,
    boxFormat: 'xyxy_continuous_pixels',
    boxSpace: 'dicom_pixel',
    patients,
  } satisfies GroundTruth);
  const groundTruthPath = join(outDir, GROUND_TRUTH_FILE);
  await writeFile(groundTruthPath, `${JSON.stringify(truth, null, 1)}\n`);
  return { outDir, groundTruthPath, patients: patients.length, slices: done, files };
}
