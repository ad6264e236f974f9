import { LUT_OFFSET, windowGrey, type HuArray, type WindowLevel } from './window';

/** Clamps a slice index into [0, count − 1]. */
export function clampSliceIndex(index: number, count: number): number {
  if (count <= 0) throw new Error('a series has at least one slice');
  return index < 0 ? 0 : index >= count ? count - 1 : Math.trunc(index);
}

/**
 * The slices the model sees at `index`: [index − 1, index, index + 1], where the first and last
 * slice stand in for their own missing neighbour (so slice 0 of a series gives [0, 0, 1], and a
 * one-slice series gives [0, 0, 0]).
 */
export function neighbourIndices(index: number, count: number): [number, number, number] {
  const z = clampSliceIndex(index, count);
  return [clampSliceIndex(z - 1, count), z, clampSliceIndex(z + 1, count)];
}

/**
 * The 3-slice synthesized image (the paper's Figure 2): the windowed grey levels of slices z − 1,
 * z and z + 1 become the R, G and B channels of one opaque RGBA image. All three slices must have
 * the same number of pixels; `lut` must have been filled for `w` (see window.ts).
 */
export function synthesizeThreeSlice(
  prev: HuArray,
  cur: HuArray,
  next: HuArray,
  lut: Uint8Array,
  w: WindowLevel,
  out: Uint8ClampedArray | Uint8Array,
): void {
  const n = cur.length;
  if (prev.length !== n || next.length !== n) throw new Error('the three slices differ in size');
  if (out.length !== n * 4) throw new Error(`RGBA output has ${out.length} bytes, expected ${n * 4}`);
  if (prev instanceof Int16Array && cur instanceof Int16Array && next instanceof Int16Array) {
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      out[o] = lut[(prev[i] as number) + LUT_OFFSET] as number;
      out[o + 1] = lut[(cur[i] as number) + LUT_OFFSET] as number;
      out[o + 2] = lut[(next[i] as number) + LUT_OFFSET] as number;
      out[o + 3] = 255;
    }
    return;
  }
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    out[o] = windowGrey(prev[i] as number, w);
    out[o + 1] = windowGrey(cur[i] as number, w);
    out[o + 2] = windowGrey(next[i] as number, w);
    out[o + 3] = 255;
  }
}
