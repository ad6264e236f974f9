import { z } from 'zod';
import { SopInstanceUid } from '../ids';

/** A box in continuous DICOM pixel coordinates of its slice (origin at the first pixel's top-left corner). */
export const DicomPixelBox = z
  .object({ space: z.literal('dicom-pixel'), x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() })
  .refine((b) => b.x2 > b.x1 && b.y2 > b.y1, 'a box needs x2 > x1 and y2 > y1');
export type DicomPixelBox = z.infer<typeof DicomPixelBox>;

/** Known truth of generated data: thrombi (`DVT`), veins (`vein`) and the mimics placed to look like thrombi. */
export const ReferenceKind = z.enum(['DVT', 'vein', 'mixing_artifact', 'lymph_node']);
export type ReferenceKind = z.infer<typeof ReferenceKind>;

export const ReferenceBox = z.object({
  sliceIndex: z.number().int().nonnegative(),
  sopInstanceUid: SopInstanceUid,
  kind: ReferenceKind,
  box: DicomPixelBox,
});
export type ReferenceBox = z.infer<typeof ReferenceBox>;

export const SeriesReference = z.object({
  /** Patient-level truth, or null when the series has no reference truth. */
  hasDvt: z.boolean().nullable(),
  boxes: z.array(ReferenceBox),
});
export type SeriesReference = z.infer<typeof SeriesReference>;
