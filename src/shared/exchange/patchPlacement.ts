// Where the training patches of one slice lie (the paper's 128×128 patches at 0.695 mm): one centred on
// each target box (a detection class) and one on each vein box, in the slice's resampled grid — the
// grid the inference engine tiles, so that a patch is exactly what a model sees there. Coordinates
// follow shared/exchange/patchManifest.ts: a patch point (u, v) is DICOM pixel
// ((u + origin.x) / scale.x, (v + origin.y) / scale.y).
import { resampleScale, resampledSize } from '../preprocessing/resample';
import type { DicomPixelBox } from '../reference/schemas';

/** The label of boxes that only say where to centre a patch (a vein without thrombus). */
export const VEIN_LABEL = 'vein';

export interface PatchSliceGeometry {
  cols: number;
  rows: number;
  /** DICOM PixelSpacing[1] (between columns, x), mm; null when the file does not state it. */
  colSpacingMm: number | null;
  /** DICOM PixelSpacing[0] (between rows, y), mm; null when the file does not state it. */
  rowSpacingMm: number | null;
}

export interface PatchGrid {
  /** Resampled pixels per DICOM pixel along columns (x) and rows (y). */
  scaleX: number;
  scaleY: number;
  /** Size of the resampled slice (resampledSize of cols and rows). */
  width: number;
  height: number;
}

export interface PlacementOptions {
  /** Patch side in resampled pixels (the paper: 128). */
  size: number;
  /** Resampled pixel spacing, mm (the paper: 0.695). */
  pixelSpacingMm: number;
  /** Detection classes: boxes with these labels are targets. */
  classes: readonly string[];
  /** A target belongs to a patch when at least this fraction of its area lies inside (default 0.5). */
  minBoxFraction?: number;
  /**
   * The paper's patches are "randomly extracted" around the veins: each patch is moved from its centre
   * by up to `maxPx` resampled pixels along each axis (uniform, whole pixels), so that thrombi do not
   * always sit in the middle of the patch, as they do not in the inference engine's tiles. `random`
   * gives numbers in [0, 1) (seeded by the caller, for reproducible sets).
   */
  jitter?: { maxPx: number; random: () => number };
}

export interface LabelledBox {
  label: string;
  box: DicomPixelBox;
}

export type Box4 = [number, number, number, number];

export interface PlacedPatch {
  /** The box the patch was centred on, in DICOM pixels of the slice. */
  centredOn: { label: string; box: Box4 };
  /** Top-left corner in the resampled grid (whole pixels). */
  origin: { x: number; y: number };
  /** Targets of the slice in the patch, in patch pixels, clipped to it. */
  boxes: { label: string; box: Box4 }[];
}

/**
 * The resampled grid of a slice. Without a stated spacing the target spacing is assumed (scale 1),
 * as the patch evaluation does (main/evaluation/patchSet.ts).
 */
export function patchGrid(g: PatchSliceGeometry, pixelSpacingMm: number): PatchGrid {
  const scaleX = resampleScale(g.colSpacingMm ?? pixelSpacingMm, pixelSpacingMm);
  const scaleY = resampleScale(g.rowSpacingMm ?? pixelSpacingMm, pixelSpacingMm);
  return { scaleX, scaleY, width: resampledSize(g.cols, scaleX), height: resampledSize(g.rows, scaleY) };
}

/**
 * The patch origin along one axis: centred on `centre` (resampled pixels), moved inside the slice.
 * A slice shorter than the patch gives 0, the rest of the patch being padding.
 */
export function patchOrigin(centre: number, size: number, extent: number): number {
  const o = Math.round(centre - size / 2);
  return Math.max(0, Math.min(o, extent - size));
}

const boxCentre = (b: DicomPixelBox): { x: number; y: number } => ({
  x: (b.x1 + b.x2) / 2,
  y: (b.y1 + b.y2) / 2,
});

const contains = (b: DicomPixelBox, p: { x: number; y: number }): boolean =>
  p.x >= b.x1 && p.x <= b.x2 && p.y >= b.y1 && p.y <= b.y2;

/** A deterministic order within a slice, so patch numbering does not depend on how boxes were listed. */
const byPosition = (a: LabelledBox, b: LabelledBox): number =>
  a.box.y1 - b.box.y1 ||
  a.box.x1 - b.box.x1 ||
  a.box.y2 - b.box.y2 ||
  a.box.x2 - b.box.x2 ||
  (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);

/**
 * A target box in patch pixels, clipped to the patch; null when less than `minFraction` of its area
 * (or nothing at all) lies inside.
 */
export function boxInPatch(
  box: DicomPixelBox,
  grid: PatchGrid,
  origin: { x: number; y: number },
  size: number,
  minFraction: number,
): Box4 | null {
  const x1 = box.x1 * grid.scaleX - origin.x;
  const y1 = box.y1 * grid.scaleY - origin.y;
  const x2 = box.x2 * grid.scaleX - origin.x;
  const y2 = box.y2 * grid.scaleY - origin.y;
  const cx1 = Math.max(0, x1);
  const cy1 = Math.max(0, y1);
  const cx2 = Math.min(size, x2);
  const cy2 = Math.min(size, y2);
  if (!(cx2 > cx1 && cy2 > cy1)) return null;
  const inside = (cx2 - cx1) * (cy2 - cy1);
  if (inside < minFraction * (x2 - x1) * (y2 - y1)) return null;
  return [cx1, cy1, cx2, cy2];
}

/**
 * The patches of one slice: one per target box, then one per vein box whose patch the targets do not
 * already give (a vein box containing a target's centre is skipped); a window already placed (same
 * origin) is not repeated. Boxes with other labels are ignored.
 */
export function placeSlicePatches(
  geometry: PatchSliceGeometry,
  boxes: readonly LabelledBox[],
  options: PlacementOptions,
): PlacedPatch[] {
  const { size } = options;
  const minFraction = options.minBoxFraction ?? 0.5;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`patch size must be a positive integer (${size})`);
  if (!(minFraction >= 0 && minFraction <= 1)) throw new RangeError(`minBoxFraction must be in [0, 1]`);
  const grid = patchGrid(geometry, options.pixelSpacingMm);
  const classes = new Set(options.classes);
  const targets = boxes.filter((b) => classes.has(b.label)).sort(byPosition);
  const targetCentres = targets.map((t) => boxCentre(t.box));
  const veins = boxes
    .filter((b) => !classes.has(b.label) && b.label === VEIN_LABEL)
    .filter((v) => !targetCentres.some((c) => contains(v.box, c)))
    .sort(byPosition);

  const seen = new Set<string>();
  const patches: PlacedPatch[] = [];
  for (const centre of [...targets, ...veins]) {
    const c = boxCentre(centre.box);
    const shift = (): number => {
      const j = options.jitter;
      return j && j.maxPx > 0 ? Math.round((j.random() * 2 - 1) * j.maxPx) : 0;
    };
    const origin = {
      x: patchOrigin(c.x * grid.scaleX + shift(), size, grid.width),
      y: patchOrigin(c.y * grid.scaleY + shift(), size, grid.height),
    };
    const key = `${origin.x},${origin.y}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const inside: PlacedPatch['boxes'] = [];
    for (const t of targets) {
      const box = boxInPatch(t.box, grid, origin, size, minFraction);
      if (box) inside.push({ label: t.label, box });
    }
    const b = centre.box;
    patches.push({
      centredOn: { label: centre.label, box: [b.x1, b.y1, b.x2, b.y2] },
      origin,
      boxes: inside,
    });
  }
  return patches;
}

/**
 * The `size` × `size` square of a row-major `width` × `height` plane at `origin`, row-major; pixels
 * outside the plane are `pad` (the caller's padding value, see writePatchSet).
 */
export function cutPatch(
  plane: Float32Array,
  width: number,
  height: number,
  origin: { x: number; y: number },
  size: number,
  pad: number,
  out: Float32Array = new Float32Array(size * size),
): Float32Array {
  if (plane.length !== width * height) {
    throw new RangeError(`plane has ${plane.length} pixels, expected ${width}×${height}`);
  }
  if (out.length !== size * size)
    throw new RangeError(`patch buffer has ${out.length} elements, not ${size}²`);
  out.fill(pad);
  const xFrom = Math.max(0, -origin.x);
  const xTo = Math.min(size, width - origin.x);
  for (let v = 0; v < size; v++) {
    const sy = origin.y + v;
    if (sy < 0 || sy >= height || xTo <= xFrom) continue;
    const row = sy * width + origin.x;
    out.set(plane.subarray(row + xFrom, row + xTo), v * size + xFrom);
  }
  return out;
}
