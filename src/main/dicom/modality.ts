import type { StoredPixels } from './types';

/**
 * Modality values (HU for CT) = stored * slope + intercept. Int16Array when slope and intercept are
 * integers and every result fits in 16 bits, else Float32Array.
 */
export function toModalityValues(
  stored: StoredPixels,
  slope: number,
  intercept: number,
): Int16Array | Float32Array {
  const ints = new Int16Array(stored.length);
  if (toModalityValuesInto(stored, slope, intercept, ints)) return ints;
  const out = new Float32Array(stored.length);
  for (let i = 0; i < stored.length; i++) out[i] = stored[i]! * slope + intercept;
  return out;
}

/**
 * Writes 16-bit modality values into `out` (e.g. a slice of a volume), saving an allocation and a
 * copy per slice. Returns false, with `out` partly written, when slope or intercept is not an
 * integer or a value does not fit in 16 bits.
 */
export function toModalityValuesInto(
  stored: StoredPixels,
  slope: number,
  intercept: number,
  out: Int16Array,
): boolean {
  if (!Number.isInteger(slope) || !Number.isInteger(intercept)) return false;
  if (out.length < stored.length) throw new RangeError('output is smaller than the slice');
  // CT is almost always 16-bit: loops written for one array type each stay monomorphic and run
  // several times faster than one loop over the union.
  if (stored instanceof Int16Array) return rescaleInt16(stored, slope, intercept, out);
  if (stored instanceof Uint16Array) return rescaleUint16(stored, slope, intercept, out);
  return rescaleAny(stored, slope, intercept, out);
}

// Each returns false when a value does not fit in 16 bits.
function rescaleInt16(stored: Int16Array, slope: number, intercept: number, out: Int16Array): boolean {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i]! * slope + intercept;
    out[i] = v;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  return lo >= -32768 && hi <= 32767;
}

function rescaleUint16(stored: Uint16Array, slope: number, intercept: number, out: Int16Array): boolean {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i]! * slope + intercept;
    out[i] = v;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  return lo >= -32768 && hi <= 32767;
}

function rescaleAny(stored: StoredPixels, slope: number, intercept: number, out: Int16Array): boolean {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i]! * slope + intercept;
    out[i] = v;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  return lo >= -32768 && hi <= 32767;
}
