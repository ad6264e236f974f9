import { windowGrey, type HuArray, type WindowLevel } from '../imaging/window';

/**
 * Resampling a slice to the model's pixel spacing (the paper: 0.695 mm), bilinear with half-pixel
 * centres, the same numbers as PyTorch's `aten.upsample_bilinear2d(align_corners=False)` given the
 * scale explicitly: `F.interpolate(x, scale_factor=s, recompute_scale_factor=False)` (whose output
 * size is floor(n·s) where ours is round(n·s)), not `F.interpolate(x, size=…)` (which re-derives the
 * scale from the sizes). See training/reference/make_resample_fixtures.py.
 *
 * Axes: DICOM PixelSpacing is [row spacing, column spacing]; the row spacing (PixelSpacing[0], the
 * distance between rows) is the y spacing and the column spacing (PixelSpacing[1]) the x spacing.
 */

/** Output pixels per input pixel: spacing / target (0.977 mm → 0.695 mm gives ≈ 1.406). */
export function resampleScale(spacingMm: number, targetMm: number): number {
  if (!(spacingMm > 0) || !(targetMm > 0) || !Number.isFinite(spacingMm) || !Number.isFinite(targetMm)) {
    throw new RangeError(`pixel spacings must be positive and finite (got ${spacingMm} and ${targetMm})`);
  }
  return spacingMm / targetMm;
}

/** The resampled length of an axis of `n` pixels: round(n · scale), at least 1 (512 · 1.406 → 720). */
export function resampledSize(n: number, scale: number): number {
  return Math.max(1, Math.round(n * scale));
}

export interface ResampledPlane {
  data: Float32Array;
  width: number;
  height: number;
}

interface AxisTable {
  /** First source index per output index. */
  i0: Int32Array;
  /** Second source index (equals i0 at the far edge). */
  i1: Int32Array;
  /** Weight of i1; i0 gets 1 − w1. */
  w1: Float64Array;
}

/**
 * torch's per-axis indices and weights: source = (dst + 0.5) / scale − 0.5, clamped at 0; the far
 * edge repeats the last pixel. Multiplying by 1/scale (rather than dividing) is torch's own order.
 */
function axisTable(inSize: number, outSize: number, scale: number): AxisTable {
  const inv = 1 / scale;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float64Array(outSize);
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(0, inv * (d + 0.5) - 0.5);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    w1[d] = Math.min(Math.max(src - lo, 0), 1);
  }
  return { i0, i1, w1 };
}

/**
 * Resamples a `width` × `height` plane (row-major) by `scaleX` (columns) and `scaleY` (rows) to
 * resampledSize(width, scaleX) × resampledSize(height, scaleY). `out`, when given, must have exactly
 * that many elements (it is reused, e.g. across the slices of a series).
 */
export function resampleBilinear(
  src: HuArray,
  width: number,
  height: number,
  scaleX: number,
  scaleY: number,
  out?: Float32Array,
): ResampledPlane {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`plane size must be positive integers (got ${width}×${height})`);
  }
  if (src.length !== width * height) {
    throw new RangeError(`plane has ${src.length} pixels, expected ${width}×${height}`);
  }
  if (!(scaleX > 0) || !(scaleY > 0) || !Number.isFinite(scaleX) || !Number.isFinite(scaleY)) {
    throw new RangeError(`scales must be positive and finite (got ${scaleX}, ${scaleY})`);
  }
  const outW = resampledSize(width, scaleX);
  const outH = resampledSize(height, scaleY);
  const data = out ?? new Float32Array(outW * outH);
  if (data.length !== outW * outH) {
    throw new RangeError(`output buffer has ${data.length} elements, expected ${outW}×${outH}`);
  }
  const xs = axisTable(width, outW, scaleX);
  const ys = axisTable(height, outH, scaleY);
  const { i0: x0, i1: x1, w1: wx1 } = xs;
  for (let oy = 0; oy < outH; oy++) {
    const r0 = (ys.i0[oy] as number) * width;
    const r1 = (ys.i1[oy] as number) * width;
    const wy1 = ys.w1[oy] as number;
    const wy0 = 1 - wy1;
    let o = oy * outW;
    for (let ox = 0; ox < outW; ox++, o++) {
      const a = x0[ox] as number;
      const b = x1[ox] as number;
      const w1 = wx1[ox] as number;
      const w0 = 1 - w1;
      // Rows outer, columns inner: torch's summation order.
      const top = w0 * (src[r0 + a] as number) + w1 * (src[r0 + b] as number);
      const bottom = w0 * (src[r1 + a] as number) + w1 * (src[r1 + b] as number);
      data[o] = wy0 * top + wy1 * bottom;
    }
  }
  return { data, width: outW, height: outH };
}

/**
 * Windowed grey levels (0…255) of a plane of HU values, pixel by pixel with `windowGrey` (resampled
 * HU are not whole numbers, so the Int16 LUT does not apply). `out`, when given, must match in length.
 */
export function windowPlane(plane: HuArray, window: WindowLevel, out?: Uint8Array): Uint8Array {
  const grey = out ?? new Uint8Array(plane.length);
  if (grey.length !== plane.length) {
    throw new RangeError(`grey buffer has ${grey.length} elements, expected ${plane.length}`);
  }
  for (let i = 0; i < plane.length; i++) grey[i] = windowGrey(plane[i] as number, window);
  return grey;
}
