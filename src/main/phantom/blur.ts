/**
 * The reconstruction kernel's point spread: a separable [1 2 1]/4 binomial filter (σ ≈ 0.7 pixel) in each direction,
 * edges clamped. Applied after the noise is added, so the noise gets the fine-grained correlation real CT noise has.
 */
import type { HuImage } from './raster';

/** Blurs `img` in place; `scratch` must hold width × height values (reused across slices to avoid allocation). */
export function blurBinomial3(img: HuImage, scratch: Float32Array): void {
  const { data, width, height } = img;
  if (scratch.length < data.length) throw new Error('blur scratch buffer too small');
  // Horizontal pass: data -> scratch.
  for (let row = 0; row < height; row++) {
    const base = row * width;
    let left = data[base] as number;
    let mid = left;
    for (let col = 0; col < width; col++) {
      const right = col + 1 < width ? (data[base + col + 1] as number) : mid;
      scratch[base + col] = 0.25 * (left + right) + 0.5 * mid;
      left = mid;
      mid = right;
    }
  }
  // Vertical pass: scratch -> data, row by row so the inner loop runs over contiguous memory.
  for (let row = 0; row < height; row++) {
    const base = row * width;
    const up = row > 0 ? base - width : base;
    const down = row + 1 < height ? base + width : base;
    for (let col = 0; col < width; col++) {
      data[base + col] =
        0.25 * ((scratch[up + col] as number) + (scratch[down + col] as number)) +
        0.5 * (scratch[base + col] as number);
    }
  }
}

/** Standard-deviation factor of white noise after `blurBinomial3` (Σw² = (6/16)² in 2-D). */
export const BINOMIAL3_NOISE_GAIN = 6 / 16;
