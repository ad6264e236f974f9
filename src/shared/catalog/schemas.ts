import { z } from 'zod';
import { PatientKey, SeriesUid, SopInstanceUid, StudyUid } from '../ids';

/** A point or direction in patient coordinates (DICOM LPS, millimetres). */
export const Vec3 = z.tuple([z.number(), z.number(), z.number()]);
export type Vec3 = z.infer<typeof Vec3>;

/** One series as `dvt import` reports it and the workspace browser lists it. */
export const SeriesSummary = z.object({
  studyUid: StudyUid,
  seriesUid: SeriesUid,
  modality: z.string(),
  description: z.string(),
  seriesNumber: z.number().int().nullable(),
  slices: z.number().int().nonnegative(),
  rows: z.number().int().positive(),
  cols: z.number().int().positive(),
  /** [row spacing, column spacing] in mm, as PixelSpacing (0028,0030) states it. */
  pixelSpacing: z.tuple([z.number(), z.number()]).nullable(),
  /** Median distance between consecutive slice positions along the slice normal, mm. */
  sliceSpacing: z.number().nullable(),
  firstPosition: Vec3.nullable(),
  lastPosition: Vec3.nullable(),
  huMin: z.number().nullable(),
  huMax: z.number().nullable(),
  warnings: z.array(z.string()),
});
export type SeriesSummary = z.infer<typeof SeriesSummary>;

export const ImportError = z.object({ file: z.string(), reason: z.string() });
export type ImportError = z.infer<typeof ImportError>;

export const ImportReport = z.object({
  series: z.array(SeriesSummary),
  errors: z.array(ImportError),
  /** Files seen, split by what the import did with them. */
  files: z.object({
    added: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    changed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
  }),
  /** Files already in the catalog whose content differs from what was imported before. */
  changedFiles: z.array(z.string()),
  /** Ground-truth files of generated cohorts found among the imported files (stored as reference truth). */
  groundTruth: z.array(
    z.object({ file: z.string(), patients: z.number().int(), boxes: z.number().int(), added: z.boolean() }),
  ),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const StudyNode = z.object({
  studyUid: StudyUid,
  date: z.string(),
  description: z.string(),
  accession: z.string(),
  series: z.array(SeriesSummary),
});
export type StudyNode = z.infer<typeof StudyNode>;

export const PatientNode = z.object({
  key: PatientKey,
  patientId: z.string(),
  name: z.string(),
  birthDate: z.string(),
  sex: z.string(),
  studies: z.array(StudyNode),
});
export type PatientNode = z.infer<typeof PatientNode>;

export const CatalogTree = z.object({ patients: z.array(PatientNode) });
export type CatalogTree = z.infer<typeof CatalogTree>;

/** Geometry of one slice in anatomical order (index 0 is the most cranial slice). */
export const SliceGeometry = z.object({
  index: z.number().int().nonnegative(),
  sopInstanceUid: SopInstanceUid,
  instanceNumber: z.number().int().nullable(),
  position: Vec3.nullable(),
});
export type SliceGeometry = z.infer<typeof SliceGeometry>;

export const SeriesDetail = z.object({
  summary: SeriesSummary,
  patientName: z.string(),
  patientId: z.string(),
  /** Row and column direction cosines (ImageOrientationPatient). */
  orientation: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]).nullable(),
  /** Default display window from the files, if they state one. */
  window: z.object({ center: z.number(), width: z.number() }).nullable(),
  /** How slices were put in order: along the slice normal, or by InstanceNumber as a fallback. */
  orderedBy: z.enum(['position', 'instance-number']),
  slices: z.array(SliceGeometry),
  synthetic: z.boolean(),
});
export type SeriesDetail = z.infer<typeof SeriesDetail>;

/** Hounsfield units of one slice, row-major, rows × cols. */
export const SliceData = z.object({
  seriesUid: SeriesUid,
  index: z.number().int().nonnegative(),
  rows: z.number().int().positive(),
  cols: z.number().int().positive(),
  hu: z.custom<Int16Array | Float32Array>((v) => v instanceof Int16Array || v instanceof Float32Array, {
    message: 'expected Int16Array or Float32Array',
  }),
});
export type SliceData = z.infer<typeof SliceData>;
