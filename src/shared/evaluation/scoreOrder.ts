// Predictions ranked by descending score, ties in index order. In an input grouped by ascending image
// with listed order within images, index order is (image, listed order): the tie order of pycocotools'
// accumulate (a stable sort of the per-image lists concatenated by image id).

export interface ScoreOrder {
  /** Prediction indices, highest score first; equal scores in ascending index. */
  order: Int32Array;
  /**
   * The sort's two working arrays of n numbers, free for the caller to reuse (a cohort's ranking is
   * 10⁵–10⁶ predictions: fresh memory is not free).
   */
  spare: [Int32Array, Int32Array];
}

/** Scores must be finite (inputs are checked first); −0 ranks as 0. */
export function scoreOrder(scores: Float64Array): ScoreOrder {
  return radixOrderDescending(scores);
}

/** How many positions of a descending array have a value ≥ t. */
export function countAtLeast(descending: Float64Array, t: number): number {
  let lo = 0;
  let hi = descending.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (descending[mid]! >= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Indices by descending score, ties in index order: a stable LSD radix sort on the scores' IEEE-754 bits
 * (16-bit digits; a digit all keys share is skipped, e.g. the low word of float32 scores). A comparison
 * sort of indices is several times slower in V8 at 10⁵–10⁶ predictions.
 */
function radixOrderDescending(scores: Float64Array): ScoreOrder {
  const n = scores.length;
  // The bits through a one-number view, not a copy of all scores (fresh memory is not free).
  const one = new Float64Array(1);
  const words = new Uint32Array(one.buffer);
  const hiAt = LITTLE_ENDIAN ? 1 : 0;
  const loAt = 1 - hiAt;
  // Descending unsigned key: the complement of the ascending one, which flips every bit of a negative
  // number and the sign bit of the others. −0 + 0 is +0: one score, as numpy compares them.
  const hi = new Uint32Array(n);
  let lowWordsDiffer = false;
  let lo0 = 0;
  for (let i = 0; i < n; i++) {
    one[0] = scores[i]! + 0;
    const h = words[hiAt]!;
    const l = h & 0x80000000 ? words[loAt]! : ~words[loAt]! >>> 0;
    hi[i] = h & 0x80000000 ? h : ~(h ^ 0x80000000) >>> 0;
    if (i === 0) lo0 = l;
    else if (l !== lo0) lowWordsDiffer = true;
  }
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Int32Array(n);
  const count = new Int32Array(65536);
  const passes: [Uint32Array, number][] = [];
  // Scores sharing their low word (few distinct values) skip its two passes and its array.
  if (lowWordsDiffer) {
    const lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      one[0] = scores[i]! + 0;
      lo[i] = words[hiAt]! & 0x80000000 ? words[loAt]! : ~words[loAt]! >>> 0;
    }
    passes.push([lo, 0], [lo, 16]);
  }
  passes.push([hi, 0], [hi, 16]);
  for (const [key, shift] of passes) {
    if (radixPass(order, next, key, shift, count)) [order, next] = [next, order];
  }
  return { order, spare: [next, new Int32Array(hi.buffer, hi.byteOffset, n)] };
}

/** One stable counting pass on a 16-bit digit; false (nothing moved) when every key shares it. */
function radixPass(
  order: Int32Array,
  next: Int32Array,
  key: Uint32Array,
  shift: number,
  count: Int32Array,
): boolean {
  const n = order.length;
  count.fill(0);
  for (let i = 0; i < n; i++) count[(key[i]! >>> shift) & 0xffff]!++;
  if (n === 0 || count[(key[0]! >>> shift) & 0xffff] === n) return false;
  let sum = 0;
  for (let d = 0; d < 65536; d++) {
    const c = count[d]!;
    count[d] = sum;
    sum += c;
  }
  for (let k = 0; k < n; k++) {
    const p = order[k]!;
    next[count[(key[p]! >>> shift) & 0xffff]!++] = p;
  }
  return true;
}
