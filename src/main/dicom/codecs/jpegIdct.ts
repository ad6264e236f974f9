// The IJG "islow" integer inverse DCT (libjpeg jidctint.c as built for 12-bit samples), reproduced
// operation for operation so 12-bit lossy JPEG decodes to the same values as GDCM's IJG codec.

const CONST_BITS = 13;
const PASS1_BITS = 1; // the 12-bit build keeps 1 extra bit in the first pass (8-bit: 2)
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

/** libjpeg's post-IDCT range limit for one sample precision. */
export interface RangeLimit {
  mask: number;
  table: Uint16Array;
}

/**
 * The table is indexed by (value & mask) and gives value + CENTERJSAMPLE clamped to 0..MAXJSAMPLE,
 * wrapping around for wildly out-of-range values exactly as libjpeg's table does.
 */
export function rangeLimit(precision: number): RangeLimit {
  const max = 2 ** precision - 1;
  const center = 2 ** (precision - 1);
  const mask = max * 4 + 3;
  const n = max + 1;
  const table = new Uint16Array(mask + 1);
  for (let x = 0; x <= mask; x++) {
    if (x < center) table[x] = x + center;
    else if (x < 2 * n) table[x] = max;
    else if (x < 4 * n - center) table[x] = 0;
    else table[x] = x - (4 * n - center);
  }
  return { mask, table };
}

// libjpeg's INT32 is a C long (64 bits on our platforms); doubles hold these sums exactly, and a
// division rather than >> avoids wrapping at 32 bits.
const descale = (x: number, n: number): number => Math.floor((x + 2 ** (n - 1)) / 2 ** n);

const workspace = new Int32Array(64);

/** Shared even/odd butterfly of both passes; writes the 8 outputs (still scaled) to `out`. */
function butterfly(
  i0: number,
  i1: number,
  i2: number,
  i3: number,
  i4: number,
  i5: number,
  i6: number,
  i7: number,
  out: Float64Array,
): void {
  // Even part.
  let z1 = (i2 + i6) * FIX_0_541196100;
  const tmp2 = z1 + i6 * -FIX_1_847759065;
  const tmp3 = z1 + i2 * FIX_0_765366865;
  let tmp0 = (i0 + i4) * (1 << CONST_BITS);
  let tmp1 = (i0 - i4) * (1 << CONST_BITS);
  const tmp10 = tmp0 + tmp3;
  const tmp13 = tmp0 - tmp3;
  const tmp11 = tmp1 + tmp2;
  const tmp12 = tmp1 - tmp2;
  // Odd part.
  tmp0 = i7;
  tmp1 = i5;
  let t2 = i3;
  let t3 = i1;
  z1 = tmp0 + t3;
  let z2 = tmp1 + t2;
  let z3 = tmp0 + t2;
  let z4 = tmp1 + t3;
  const z5 = (z3 + z4) * FIX_1_175875602;
  tmp0 *= FIX_0_298631336;
  tmp1 *= FIX_2_053119869;
  t2 *= FIX_3_072711026;
  t3 *= FIX_1_501321110;
  z1 *= -FIX_0_899976223;
  z2 *= -FIX_2_562915447;
  z3 = z3 * -FIX_1_961570560 + z5;
  z4 = z4 * -FIX_0_390180644 + z5;
  tmp0 += z1 + z3;
  tmp1 += z2 + z4;
  t2 += z2 + z3;
  t3 += z1 + z4;
  out[0] = tmp10 + t3;
  out[7] = tmp10 - t3;
  out[1] = tmp11 + t2;
  out[6] = tmp11 - t2;
  out[2] = tmp12 + tmp1;
  out[5] = tmp12 - tmp1;
  out[3] = tmp13 + tmp0;
  out[4] = tmp13 - tmp0;
}

const row = new Float64Array(8); // pre-descale sums can pass 2^31; libjpeg keeps them in a C long

/**
 * Inverse DCT of one dequantised 8x8 block (natural order) into `output` at `offset` with row
 * `stride`, range-limited with `range`.
 */
export function idctIslow(
  coef: Float64Array,
  output: Uint16Array,
  offset: number,
  stride: number,
  range: RangeLimit,
): void {
  // Pass 1: columns from input into the work array.
  for (let c = 0; c < 8; c++) {
    butterfly(
      coef[c]!,
      coef[8 + c]!,
      coef[16 + c]!,
      coef[24 + c]!,
      coef[32 + c]!,
      coef[40 + c]!,
      coef[48 + c]!,
      coef[56 + c]!,
      row,
    );
    for (let r = 0; r < 8; r++) workspace[r * 8 + c] = descale(row[r]!, CONST_BITS - PASS1_BITS);
  }
  // Pass 2: rows of the work array into the output, descaled by 8 and the pass-1 bits.
  for (let r = 0; r < 8; r++) {
    const w = r * 8;
    butterfly(
      workspace[w]!,
      workspace[w + 1]!,
      workspace[w + 2]!,
      workspace[w + 3]!,
      workspace[w + 4]!,
      workspace[w + 5]!,
      workspace[w + 6]!,
      workspace[w + 7]!,
      row,
    );
    const o = offset + r * stride;
    for (let c = 0; c < 8; c++) {
      output[o + c] = range.table[descale(row[c]!, CONST_BITS + PASS1_BITS + 3) & range.mask]!;
    }
  }
}
