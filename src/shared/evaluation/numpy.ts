// The two numpy routines whose exact floating-point behaviour the references depend on: the mean of a
// float64 array (pairwise summation) and `np.interp`. Reproducing them keeps AP and FROC bit-for-bit
// with pycocotools and nnDetection, not just within rounding.

/** numpy's pairwise summation of a[from, from + n) (numpy/core/src/umath/loops_utils.h.src). */
function pairwiseSum(a: ArrayLike<number>, from: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[from + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[from]!;
    let r1 = a[from + 1]!;
    let r2 = a[from + 2]!;
    let r3 = a[from + 3]!;
    let r4 = a[from + 4]!;
    let r5 = a[from + 5]!;
    let r6 = a[from + 6]!;
    let r7 = a[from + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const k = from + i;
      r0 += a[k]!;
      r1 += a[k + 1]!;
      r2 += a[k + 2]!;
      r3 += a[k + 3]!;
      r4 += a[k + 4]!;
      r5 += a[k + 5]!;
      r6 += a[k + 6]!;
      r7 += a[k + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[from + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
}

/** `np.mean` of a float64 array (NaN for an empty one, as numpy). */
export function numpyMean(a: ArrayLike<number>): number {
  return pairwiseSum(a, 0, a.length) / a.length;
}

/**
 * `np.interp(x, xp, fp)` for one x over the first n points (xp non-decreasing), numpy ≥ 1.17:
 * left of xp[0] → fp[0]; right of xp[n−1] → fp[n−1]; among equal xp the last point's value (the top of
 * a vertical jump); an exact hit returns fp[j]; else slope·(x − xp[j]) + fp[j].
 */
export function numpyInterp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>, n = xp.length): number {
  if (n === 0) return NaN;
  if (x > xp[n - 1]!) return fp[n - 1]!;
  if (x < xp[0]!) return fp[0]!;
  // j: the index with xp[j] ≤ x < xp[j + 1] (numpy's binary_search_with_guess contract).
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x >= xp[mid]!) lo = mid + 1;
    else hi = mid;
  }
  const j = lo - 1;
  if (j === n - 1) return fp[j]!;
  const xj = xp[j]!;
  const yj = fp[j]!;
  if (xj === x) return yj;
  const xk = xp[j + 1]!;
  const yk = fp[j + 1]!;
  const slope = (yk - yj) / (xk - xj);
  let res = slope * (x - xj) + yj;
  if (Number.isNaN(res)) {
    res = slope * (x - xk) + yk;
    if (Number.isNaN(res) && yj === yk) res = yj;
  }
  return res;
}
