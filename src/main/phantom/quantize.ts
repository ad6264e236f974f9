/**
 * Converts HU to stored CT values: stored = HU − intercept with intercept −1024 and slope 1, 12 bits stored in 16
 * (unsigned, 0..4095 ↔ −1024..3071 HU), as many scanners write CT.
 */
import type { HuImage } from './raster';

export const RESCALE_INTERCEPT = -1024;
export const RESCALE_SLOPE = 1;
export const BITS_STORED = 12;
const MAX_STORED = (1 << BITS_STORED) - 1;

export function quantizeToStored(img: HuImage, out: Uint16Array): void {
  const { data } = img;
  if (out.length !== data.length) throw new Error('stored pixel buffer has the wrong size');
  for (let p = 0; p < data.length; p++) {
    // +0.5 then truncation rounds to nearest for the non-negative values that survive the clamp.
    const v = (data[p] as number) - RESCALE_INTERCEPT + 0.5;
    out[p] = v <= 0 ? 0 : v >= MAX_STORED ? MAX_STORED : v | 0;
  }
}
