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
  const n = stored.length;
  if (Number.isInteger(slope) && Number.isInteger(intercept)) {
    // One pass: write 16-bit results and check they all fit; fall back to float when not.
    const out = new Int16Array(n);
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const v = stored[i]! * slope + intercept;
      out[i] = v;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    if (lo >= -32768 && hi <= 32767) return out;
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = stored[i]! * slope + intercept;
  return out;
}
