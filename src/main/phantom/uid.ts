/**
 * Deterministic DICOM UIDs in the "2.25." form (PS3.5 B.2: a UUID written as one decimal integer). The 128 bits come
 * from the seeded generator with the UUID version-4 and variant bits set, so the same seed always gives the same UIDs
 * and different seeds give unrelated ones.
 */
import type { Prng } from './prng';

export function uuidUid(rng: Prng): string {
  const words = [rng.uint32(), rng.uint32(), rng.uint32(), rng.uint32()];
  const w1 = words[1] ?? 0;
  const w2 = words[2] ?? 0;
  words[1] = ((w1 & 0xffff0fff) | 0x00004000) >>> 0; // version 4
  words[2] = ((w2 & 0x3fffffff) | 0x80000000) >>> 0; // RFC 4122 variant
  let value = 0n;
  for (const w of words) value = (value << 32n) | BigInt(w);
  return `2.25.${value.toString(10)}`;
}
