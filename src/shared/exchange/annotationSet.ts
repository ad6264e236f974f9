// The native annotation set: everything a workspace knows about its readers' ground truth (and,
// optionally, models' runs) in one versioned JSON document, lossless for what it holds. Every other
// export format (COCO, keras-retinanet CSV, Pascal VOC, DICOM SR, patch sets) is written from this
// shape, and every import is turned into it before anything is stored.
//
// Coordinates: boxes are { space: 'dicom-pixel', x1, y1, x2, y2 } in continuous DICOM pixel
// coordinates of their slice (shared/annotation/schemas.ts states the convention). Slices are named by
// SOP instance UID; `sliceIndex` (anatomical order, 0 = most cranial) is carried for readers of the file.
import { z } from 'zod';
import { DicomPixelBox } from '../reference/schemas';

export const ANNOTATION_SET_FORMAT = 'dvt-annotation-set';
/** The version this build writes. Older versions are read through `migrateAnnotationSet`. */
export const ANNOTATION_SET_VERSION = 1;

/** A DICOM UID as written in a file (not branded: files from elsewhere are checked against the catalog). */
const Uid = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9.]+$/, 'a DICOM UID is digits and dots');
const Time = z.string().min(1).max(40);
const Name = z.string().trim().min(1).max(100);
const LabelText = z.string().trim().min(1).max(64);

export const SetSlice = z.object({
  index: z.number().int().nonnegative(),
  sopInstanceUid: Uid,
});
export type SetSlice = z.infer<typeof SetSlice>;

export const SetPatient = z.object({
  /** Patient ID, or its pseudonym when the set is de-identified. */
  id: z.string().min(1).max(64),
  /** Empty when de-identified. */
  name: z.string().max(200),
  /** YYYYMMDD or empty; always empty when de-identified. */
  birthDate: z.string().max(8),
  sex: z.string().max(16),
  /** Cross-validation fold, or null when unassigned. */
  fold: z.number().int().nonnegative().nullable(),
});
export type SetPatient = z.infer<typeof SetPatient>;

export const SetSeries = z.object({
  seriesInstanceUid: Uid,
  studyInstanceUid: Uid,
  patientId: z.string().min(1).max(64),
  /** Study date (YYYYMMDD), time, accession number and descriptions: all empty when de-identified. */
  studyDate: z.string().max(8),
  studyTime: z.string().max(16),
  accessionNumber: z.string().max(16),
  studyDescription: z.string().max(200),
  frameOfReferenceUid: Uid.nullable(),
  /** SOP class of the series' images (what a DICOM SR reference names). */
  sopClassUid: Uid,
  modality: z.string().max(16),
  description: z.string().max(200),
  rows: z.number().int().positive(),
  cols: z.number().int().positive(),
  /** DICOM PixelSpacing order: [row spacing, column spacing] in mm, or null when not stated. */
  pixelSpacingMm: z.tuple([z.number().positive(), z.number().positive()]).nullable(),
  /** Every slice, in anatomical order. */
  slices: z.array(SetSlice).min(1),
});
export type SetSeries = z.infer<typeof SetSeries>;

export const SetBox = z.object({
  reader: Name,
  seriesInstanceUid: Uid,
  sopInstanceUid: Uid,
  sliceIndex: z.number().int().nonnegative(),
  label: LabelText,
  box: DicomPixelBox,
  createdAt: Time,
  updatedAt: Time,
});
export type SetBox = z.infer<typeof SetBox>;

export const SetCase = z.object({
  reader: Name,
  seriesInstanceUid: Uid,
  status: z.enum(['not-started', 'in-progress', 'done', 'flagged']),
  call: z.enum(['present', 'absent', 'unsure']).nullable(),
  /** Free text; dropped (empty) when the set is de-identified, as free text may name the patient. */
  note: z.string().max(10_000),
  updatedAt: Time.nullable(),
});
export type SetCase = z.infer<typeof SetCase>;

export const SetPrediction = z.object({
  sopInstanceUid: Uid,
  sliceIndex: z.number().int().nonnegative(),
  label: LabelText,
  score: z.number().min(0).max(1),
  box: DicomPixelBox,
});
export type SetPrediction = z.infer<typeof SetPrediction>;

export const SetRun = z.object({
  model: z.object({ name: Name, sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex') }),
  seriesInstanceUid: Uid,
  /** Only finished runs are exported. */
  status: z.literal('done'),
  providerUsed: z.string().max(32).nullable(),
  /** The run's parameters (shared/inference/schemas.ts RunParams), kept as written. */
  params: z.record(z.string(), z.unknown()),
  startedAt: Time,
  finishedAt: Time.nullable(),
  predictions: z.array(SetPrediction),
});
export type SetRun = z.infer<typeof SetRun>;

export const AnnotationSet = z.object({
  format: z.literal(ANNOTATION_SET_FORMAT),
  version: z.literal(ANNOTATION_SET_VERSION),
  exportedAt: Time,
  /** The program that wrote it, e.g. "DVT Workstation 0.1.0". */
  generator: z.string().max(100),
  /** True when identifiers were replaced by pseudonyms (PS3.15 basic profile) on export. */
  deidentified: z.boolean(),
  /** The workspace's label list, in display order. */
  labels: z.array(LabelText).min(1),
  readers: z.array(z.object({ name: Name })),
  folds: z.object({ k: z.number().int().min(2), seed: z.number().int() }).nullable(),
  patients: z.array(SetPatient),
  series: z.array(SetSeries),
  boxes: z.array(SetBox),
  cases: z.array(SetCase),
  /** Model runs with their predictions, when asked for. */
  runs: z.array(SetRun).optional(),
});
export type AnnotationSet = z.infer<typeof AnnotationSet>;

/** Changes a document of version v into version v + 1 (none yet: version 1 is the first). */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

/**
 * A native document of any version this build knows, brought to the current version. Throws an Error
 * naming the problem for anything else (another format, a newer version, a version with no path).
 */
export function migrateAnnotationSet(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('not a DVT annotation set (expected a JSON object)');
  }
  let doc = json as Record<string, unknown>;
  if (doc['format'] !== ANNOTATION_SET_FORMAT) {
    throw new Error(`not a DVT annotation set ("format" is not "${ANNOTATION_SET_FORMAT}")`);
  }
  const version = doc['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new Error('"version" must be a positive whole number');
  }
  if (version > ANNOTATION_SET_VERSION) {
    throw new Error(
      `version ${version} was written by a newer DVT Workstation (this one reads up to ${ANNOTATION_SET_VERSION})`,
    );
  }
  for (let v = version; v < ANNOTATION_SET_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`no migration from version ${v}`);
    doc = { ...step(doc), version: v + 1 };
  }
  return doc;
}
