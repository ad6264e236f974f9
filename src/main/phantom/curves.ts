/**
 * Smooth one-dimensional curves over depth (mm below the top of the scan). Anatomy is described by a handful of
 * keyframes per structure; interpolating them with a C¹ cubic makes sizes and vessel paths change gradually from slice
 * to slice instead of kinking at the keyframes.
 */

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** 0 below `edge0`, 1 above `edge1`, Hermite-smooth in between. */
export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = clamp((x - edge0) / (edge1 - edge0), 0, 1);
  return t * t * (3 - 2 * t);
}

/** A keyframe: depth first, then any number of values that are interpolated together. */
export type Key = readonly number[];

/**
 * Cubic Hermite interpolation through keyframes sorted by depth, with finite-difference (Catmull-Rom style) tangents
 * for unevenly spaced keys; constant beyond the first and last key. Writes one value per channel into `out`.
 */
export function sampleKeys(keys: readonly Key[], d: number, out: number[]): number[] {
  const first = keys[0];
  const last = keys[keys.length - 1];
  if (!first || !last) throw new Error('sampleKeys needs at least one keyframe');
  const channels = first.length - 1;
  out.length = channels;
  if (d <= (first[0] as number) || keys.length === 1) {
    for (let c = 0; c < channels; c++) out[c] = first[c + 1] as number;
    return out;
  }
  if (d >= (last[0] as number)) {
    for (let c = 0; c < channels; c++) out[c] = last[c + 1] as number;
    return out;
  }
  let k = 0;
  while (k < keys.length - 2 && d > ((keys[k + 1] as Key)[0] as number)) k++;
  const k0 = keys[k] as Key;
  const k1 = keys[k + 1] as Key;
  const kPrev = keys[k - 1];
  const kNext = keys[k + 2];
  const d0 = k0[0] as number;
  const d1 = k1[0] as number;
  const h = d1 - d0;
  const t = (d - d0) / h;
  const t2 = t * t;
  const t3 = t2 * t;
  const h00 = 2 * t3 - 3 * t2 + 1;
  const h10 = t3 - 2 * t2 + t;
  const h01 = -2 * t3 + 3 * t2;
  const h11 = t3 - t2;
  for (let c = 1; c <= channels; c++) {
    const v0 = k0[c] as number;
    const v1 = k1[c] as number;
    // Tangents in value per mm, scaled by the interval length below.
    const m0 = kPrev ? (v1 - (kPrev[c] as number)) / (d1 - (kPrev[0] as number)) : (v1 - v0) / h;
    const m1 = kNext ? ((kNext[c] as number) - v0) / ((kNext[0] as number) - d0) : (v1 - v0) / h;
    out[c - 1] = h00 * v0 + h10 * h * m0 + h01 * v1 + h11 * h * m1;
  }
  return out;
}
