/**
 * Quantum noise. Drawing a fresh normal deviate for each of 262 144 pixels per slice would dominate the generation
 * time, so the cohort precomputes one table of standard normals and each slice reads it in a different order: an odd
 * stride modulo a power of two visits every entry exactly once, so each slice gets a full, differently ordered sample.
 */
import { Prng } from './prng';
import type { HuImage } from './raster';

export interface NoiseTable {
  values: Float32Array;
  mask: number;
}

/** `log2Size` of 18 gives exactly one 512 × 512 slice's worth of deviates. */
export function createNoiseTable(seed: number, log2Size = 18): NoiseTable {
  const rng = new Prng(seed);
  const size = 1 << log2Size;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.normal();
  return { values, mask: size - 1 };
}

/** Adds `sigma` × a permutation of the table, chosen by `rng`, to every pixel. */
export function addNoise(img: HuImage, table: NoiseTable, sigma: number, rng: Prng): void {
  const { data } = img;
  const { values, mask } = table;
  const offset = rng.uint32() & mask;
  const stride = (rng.uint32() | 1) & mask; // odd, so k ↦ offset + k·stride is a bijection modulo the table size
  let idx = offset;
  for (let p = 0; p < data.length; p++) {
    data[p] = (data[p] as number) + sigma * (values[idx] as number);
    idx = (idx + stride) & mask;
  }
}
