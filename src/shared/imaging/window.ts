/**
 * Window/level: how Hounsfield units become display grey levels. One definition, used by the viewer,
 * the 3-slice synthesis and the tests:
 *
 *   grey = clamp(round((hu − (level − width / 2)) / width × 255), 0, 255)
 *
 * `round` is Math.round (halves go up). So hu = level − width/2 is black (0), hu = level + width/2 is
 * white (255), and hu = level is 128 (127.5 rounded up). `width` must be at least 1.
 */
export interface WindowLevel {
  /** Centre of the window, HU. */
  level: number;
  /** Width of the window, HU (≥ 1). */
  width: number;
}

export interface WindowPreset extends WindowLevel {
  key: string;
  name: string;
}

/** The paper's venous-phase window is the CT default (key 1). */
export const VENOUS_WINDOW: WindowPreset = { key: '1', name: 'Venous', level: 140, width: 400 };
export const SOFT_TISSUE_WINDOW: WindowPreset = { key: '2', name: 'Soft tissue', level: 40, width: 400 };
export const BONE_WINDOW: WindowPreset = { key: '3', name: 'Bone', level: 480, width: 2500 };
export const WINDOW_PRESETS: readonly WindowPreset[] = [VENOUS_WINDOW, SOFT_TISSUE_WINDOW, BONE_WINDOW];

export const MIN_WINDOW_WIDTH = 1;

/** A window with a width of at least 1 HU and finite numbers (what a drag may produce is clamped here). */
export function normalizeWindow(w: WindowLevel): WindowLevel {
  const level = Number.isFinite(w.level) ? w.level : 0;
  const width = Number.isFinite(w.width) ? Math.max(MIN_WINDOW_WIDTH, w.width) : MIN_WINDOW_WIDTH;
  return { level, width };
}

/** The grey level (0–255) of one HU value under a window; see the module comment for the formula. */
export function windowGrey(hu: number, w: WindowLevel): number {
  const g = Math.round(((hu - (w.level - w.width / 2)) / w.width) * 255);
  // `<= 0` also turns Math.round's −0 into 0.
  return g <= 0 ? 0 : g > 255 ? 255 : g;
}

/** Int16 HU values index a LUT at hu + LUT_OFFSET. */
export const LUT_OFFSET = 32768;
export const LUT_SIZE = 65536;

/** A lookup table from every Int16 HU value to its grey level: lut[hu + LUT_OFFSET] = windowGrey(hu, w). */
export function buildWindowLut(w: WindowLevel): Uint8Array {
  return fillWindowLut(new Uint8Array(LUT_SIZE), w);
}

/** Refills an existing LUT in place (no allocation while a window drag runs). Returns the LUT. */
export function fillWindowLut(lut: Uint8Array, w: WindowLevel): Uint8Array {
  if (lut.length !== LUT_SIZE) throw new Error(`a window LUT has ${LUT_SIZE} entries, not ${lut.length}`);
  // Outside [lo, hi] the grey level is constant, so only the window itself needs the formula.
  const lo = Math.max(-LUT_OFFSET, Math.floor(w.level - w.width / 2) - 1);
  const hi = Math.min(LUT_SIZE - 1 - LUT_OFFSET, Math.ceil(w.level + w.width / 2) + 1);
  if (lo > hi) {
    lut.fill(windowGrey(lo, w));
    return lut;
  }
  lut.fill(windowGrey(lo, w), 0, lo + LUT_OFFSET);
  for (let hu = lo; hu <= hi; hu++) lut[hu + LUT_OFFSET] = windowGrey(hu, w);
  lut.fill(windowGrey(hi, w), hi + LUT_OFFSET + 1);
  return lut;
}

export type HuArray = Int16Array | Float32Array;

/**
 * The grey level of pixel `i` of a slice: through the LUT for Int16 slices; Float32 slices (a
 * non-integer rescale) use the formula itself, since their values need not be whole HU.
 */
export function greyAt(hu: HuArray, i: number, lut: Uint8Array, w: WindowLevel): number {
  const v = hu[i] ?? 0;
  return hu instanceof Int16Array ? (lut[v + LUT_OFFSET] ?? 0) : windowGrey(v, w);
}

/**
 * Writes a slice as opaque grey RGBA into `out` (length 4 × pixels), e.g. a reused ImageData's data.
 * `lut` must have been filled for `w`.
 */
export function windowToRgba(
  hu: HuArray,
  lut: Uint8Array,
  w: WindowLevel,
  out: Uint8ClampedArray | Uint8Array,
): void {
  const n = hu.length;
  if (out.length !== n * 4) throw new Error(`RGBA output has ${out.length} bytes, expected ${n * 4}`);
  if (hu instanceof Int16Array) {
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const g = lut[(hu[i] as number) + LUT_OFFSET] as number;
      out[o] = g;
      out[o + 1] = g;
      out[o + 2] = g;
      out[o + 3] = 255;
    }
  } else {
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const g = windowGrey(hu[i] as number, w);
      out[o] = g;
      out[o + 1] = g;
      out[o + 2] = g;
      out[o + 3] = 255;
    }
  }
}

/**
 * The window a right-drag produces: moving right widens the window, moving down raises the level
 * (as in most PACS viewers). `sensitivity` is HU per screen pixel.
 */
export function dragWindow(start: WindowLevel, dx: number, dy: number, sensitivity = 2): WindowLevel {
  return normalizeWindow({ level: start.level + dy * sensitivity, width: start.width + dx * sensitivity });
}
