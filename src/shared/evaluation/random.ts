// A small seeded PRNG for the bootstrap and the fold assignment: the same seed gives the same numbers
// on every platform and Node version (Math.random cannot be seeded).

/** mulberry32: 32-bit state, uniform floats in [0, 1) with 32 random bits. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n) from a [0, 1) generator. */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/** Seeds are integers in [0, 2³²); anything else is refused rather than silently truncated. */
export function checkSeed(seed: number, what: string): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${what}: seed must be an integer in [0, 2^32), got ${seed}`);
  }
  return seed;
}
