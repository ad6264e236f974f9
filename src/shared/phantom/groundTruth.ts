/**
 * Ground truth of a synthetic LECTA cohort (`ground-truth.json` beside the patient folders), written by the phantom
 * generator and read by training, evaluation and the viewer. Shared with the browser, so it imports nothing from Node.
 *
 * Boxes are in the DICOM pixel grid of the original slice, continuous coordinates with the origin at the top-left
 * corner of the first pixel: [x1, y1, x2, y2], so a box covering exactly pixel columns 10..19 has x1 = 10, x2 = 20.
 * Slices are listed in anatomical order (index 0 = most cranial); file order and InstanceNumber follow the acquisition
 * direction instead (feet-first series run caudal to cranial) and must not be used to order slices.
 */
import { z } from 'zod';

export const GROUND_TRUTH_VERSION = 1;

/** [x1, y1, x2, y2] in continuous DICOM pixel coordinates of the slice (`boxSpace: 'dicom_pixel'`). */
export const pixelBoxSchema = z
  .tuple([z.number(), z.number(), z.number(), z.number()])
  .refine(([x1, y1, x2, y2]) => x2 > x1 && y2 > y1, { message: 'box must have x2 > x1 and y2 > y1' });

export const sideSchema = z.enum(['left', 'right']);

/** Iliofemoral deep-vein segments, cranial to caudal; `deep_femoral` is the profunda femoris vein. */
export const veinSegmentSchema = z.enum([
  'common_iliac',
  'external_iliac',
  'common_femoral',
  'femoral',
  'deep_femoral',
]);

/** Findings that look like a thrombus on one slice but not across neighbouring slices. */
export const mimicKindSchema = z.enum(['mixing_artifact', 'lymph_node']);

export const thrombusKindSchema = z.enum(['partial', 'occlusive']);

const idSchema = z.string().min(1);

/** A labelled box on one slice: a vein cross-section (for sampling patches) or a thrombus cross-section. */
export const sliceBoxSchema = z.discriminatedUnion('label', [
  z.object({ label: z.literal('vein'), box: pixelBoxSchema, side: sideSchema, segment: veinSegmentSchema }),
  z.object({
    label: z.literal('DVT'),
    box: pixelBoxSchema,
    side: sideSchema,
    segment: veinSegmentSchema,
    thrombusId: idSchema,
  }),
]);

export const sliceMimicSchema = z.object({
  kind: mimicKindSchema,
  mimicId: idSchema,
  box: pixelBoxSchema,
  side: sideSchema,
});

export const sliceTruthSchema = z.object({
  /** Position in anatomical order, 0 = most cranial. */
  index: z.number().int().nonnegative(),
  sopInstanceUid: z.string().min(1),
  instanceNumber: z.number().int().positive(),
  /** Path of the DICOM file relative to the cohort folder, with forward slashes. */
  file: z.string().min(1),
  /** ImagePositionPatient z (mm); decreases from index 0 downwards. */
  zMm: z.number(),
  boxes: z.array(sliceBoxSchema),
  mimics: z.array(sliceMimicSchema),
});

export const thrombusTruthSchema = z
  .object({
    id: idSchema,
    side: sideSchema,
    kind: thrombusKindSchema,
    /** Segments it touches, cranial first. */
    segments: z.array(veinSegmentSchema).min(1),
    /** Inclusive slice indices (anatomical order); the thrombus is present on every slice in between. */
    firstIndex: z.number().int().nonnegative(),
    lastIndex: z.number().int().nonnegative(),
    /** Mean attenuation of the filling defect before noise (HU). */
    meanHu: z.number(),
  })
  .refine((t) => t.firstIndex <= t.lastIndex, { message: 'firstIndex must not exceed lastIndex' });

export const mimicTruthSchema = z
  .object({
    id: idSchema,
    kind: mimicKindSchema,
    side: sideSchema,
    firstIndex: z.number().int().nonnegative(),
    lastIndex: z.number().int().nonnegative(),
  })
  .refine((m) => m.firstIndex <= m.lastIndex, { message: 'firstIndex must not exceed lastIndex' });

export const patientTruthSchema = z
  .object({
    patientId: z.string().min(1),
    patientName: z.string().min(1),
    /** Folder relative to the cohort folder, e.g. "P001". */
    folder: z.string().min(1),
    hasDvt: z.boolean(),
    patientPosition: z.enum(['HFS', 'FFS']),
    studyInstanceUid: z.string().min(1),
    seriesInstanceUid: z.string().min(1),
    rows: z.number().int().positive(),
    columns: z.number().int().positive(),
    /** In-plane spacing (mm), equal along rows and columns. */
    pixelSpacingMm: z.number().positive(),
    sliceThicknessMm: z.number().positive(),
    thrombi: z.array(thrombusTruthSchema),
    mimics: z.array(mimicTruthSchema),
    /** One entry per slice, sorted by `index`. */
    slices: z.array(sliceTruthSchema),
  })
  .refine((p) => p.hasDvt === p.thrombi.length > 0, { message: 'hasDvt must say whether there are thrombi' });

export const groundTruthSchema = z.object({
  version: z.literal(GROUND_TRUTH_VERSION),
  generator: z.literal('dvt-workstation-phantom'),
  seed: z.number().int(),
  boxFormat: z.literal('xyxy_continuous_pixels'),
  boxSpace: z.literal('dicom_pixel'),
  patients: z.array(patientTruthSchema),
});

export type PixelBoxTuple = z.infer<typeof pixelBoxSchema>;
export type Side = z.infer<typeof sideSchema>;
export type VeinSegment = z.infer<typeof veinSegmentSchema>;
export type MimicKind = z.infer<typeof mimicKindSchema>;
export type ThrombusKind = z.infer<typeof thrombusKindSchema>;
export type SliceBox = z.infer<typeof sliceBoxSchema>;
export type SliceMimic = z.infer<typeof sliceMimicSchema>;
export type SliceTruth = z.infer<typeof sliceTruthSchema>;
export type ThrombusTruth = z.infer<typeof thrombusTruthSchema>;
export type MimicTruth = z.infer<typeof mimicTruthSchema>;
export type PatientTruth = z.infer<typeof patientTruthSchema>;
export type GroundTruth = z.infer<typeof groundTruthSchema>;
