// The manifest of a training patch set (`dvt export --format patches`): the paper's 128×128 patches
// at 0.695 mm, cut around `vein` and `DVT` boxes, in 1-slice and/or 3-slice synthesized form. The
// training pipeline (training/) reads it; `dvt import-annotations` does not (a patch set is derived data).
//
// Coordinates: a patch is a square of the slice after resampling to `pixelSpacingMm` (bilinear, the
// inference engine's own preprocessing). `origin` is its top-left corner in that resampled grid and
// `scale` the resampled pixels per DICOM pixel (x along columns, y along rows), so a patch point
// (u, v) lies at DICOM pixel ((u + origin.x) / scale.x, (v + origin.y) / scale.y) of the slice.
// Patch boxes are [x1, y1, x2, y2] in continuous patch pixels (origin at the top-left corner).
import { z } from 'zod';

export const PATCH_SET_FORMAT = 'dvt-patch-set';
export const PATCH_SET_VERSION = 1;

const Box4 = z
  .tuple([z.number(), z.number(), z.number(), z.number()])
  .refine(([x1, y1, x2, y2]) => x2 > x1 && y2 > y1, 'a box needs x2 > x1 and y2 > y1');

export const PatchInput = z.enum(['1slice', '3slice']);
export type PatchInput = z.infer<typeof PatchInput>;
/** PNG: 8-bit windowed grey (1-slice: grey; 3-slice: RGB = z−1, z, z+1). npy: float32 resampled HU, [C, H, W]. */
export const PatchEncoding = z.enum(['png', 'npy']);
export type PatchEncoding = z.infer<typeof PatchEncoding>;

export const PatchEntry = z.object({
  /** Unique in the set; also the file stem. */
  id: z.string().regex(/^[A-Za-z0-9_-]+$/),
  patientId: z.string().min(1),
  fold: z.number().int().nonnegative(),
  seriesInstanceUid: z.string().min(1),
  sopInstanceUid: z.string().min(1),
  sliceIndex: z.number().int().nonnegative(),
  sliceCount: z.number().int().positive(),
  /** The slice indexes feeding the 3-slice channels (edges repeat the slice itself). */
  channelSlices: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  /** What the patch is centred on: a `DVT` box or a `vein` box, in DICOM pixels of the slice. */
  centredOn: z.object({ label: z.string(), box: Box4 }),
  origin: z.object({ x: z.number().int(), y: z.number().int() }),
  scale: z.object({ x: z.number().positive(), y: z.number().positive() }),
  /** The slice's size in DICOM pixels, so boxes mapped back can be clipped to it (absent in older sets). */
  image: z.object({ cols: z.number().int().positive(), rows: z.number().int().positive() }).optional(),
  /** Paths relative to the manifest, per exported input form. */
  files: z.object({ '1slice': z.string().optional(), '3slice': z.string().optional() }),
  /** The detection targets in the patch (labels of `classes`), in patch pixels, clipped to the patch. */
  boxes: z.array(z.object({ label: z.string(), box: Box4 })),
});
export type PatchEntry = z.infer<typeof PatchEntry>;

export const PatchSetManifest = z.object({
  format: z.literal(PATCH_SET_FORMAT),
  version: z.literal(PATCH_SET_VERSION),
  exportedAt: z.string(),
  generator: z.string(),
  deidentified: z.boolean(),
  /** Where the boxes came from: one reader's live boxes, or the workspace's reference truth (generated cohorts). */
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('reader'), reader: z.string() }),
    z.object({ kind: z.literal('reference') }),
  ]),
  /** Detection classes, in class-index order (index 0 is the first class; no background entry). */
  classes: z.array(z.string()).min(1),
  patch: z.object({
    size: z.number().int().positive(),
    pixelSpacingMm: z.number().positive(),
    window: z.object({ level: z.number(), width: z.number().positive() }),
    inputs: z.array(PatchInput).min(1),
    encoding: PatchEncoding,
    /** A target box belongs to a patch when at least this fraction of its area lies inside. */
    minBoxFraction: z.number().min(0).max(1),
    /** Each patch was shifted from its box's centre by up to this many pixels per axis (seeded). */
    jitterPx: z.number().int().nonnegative(),
    jitterSeed: z.number().int(),
    /** Vein-only patches were cut on every n-th slice (target patches on every slice). */
    veinSliceStride: z.number().int().positive(),
  }),
  /** Patient-level split: the workspace's stored folds, or made for this export (seeded). */
  folds: z.object({
    k: z.number().int().min(2),
    seed: z.number().int(),
    source: z.enum(['workspace', 'export']),
  }),
  patients: z.array(z.object({ id: z.string(), fold: z.number().int().nonnegative() })),
  patches: z.array(PatchEntry),
});
export type PatchSetManifest = z.infer<typeof PatchSetManifest>;
