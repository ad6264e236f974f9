import { describe, expect, it } from 'vitest';
import {
  bootstrap,
  DEFAULT_EVAL_SETTINGS,
  evaluate,
  FROC_BAND_POINTS,
  percentileInterval,
  prepareEvaluation,
  type Interval,
} from '../../src/shared/evaluation';
import { averagePrecisionFromCumulative } from '../../src/shared/evaluation/averagePrecision';
import { frocSensitivities } from '../../src/shared/evaluation/froc';
import { matchInput } from '../../src/shared/evaluation/matched';
import { numpyMean } from '../../src/shared/evaluation/numpy';
import { mulberry32, randomInt } from '../../src/shared/evaluation/random';
import type { EvalInput } from '../../src/shared/evaluation/types';
import { synthetic } from './synthetic';

const settings = DEFAULT_EVAL_SETTINGS;

function contains(interval: Interval | null, value: number | null): void {
  expect(interval).not.toBeNull();
  expect(value).not.toBeNull();
  expect(interval!.low).toBeLessThanOrEqual(value!);
  expect(interval!.high).toBeGreaterThanOrEqual(value!);
}

describe.each([
  ['continuous scores (quantile bins)', synthetic({ seed: 60, patients: 40, slicesPerPatient: 8 }), 64],
  ['scores with ties (distinct-score bins)', synthetic({ seed: 61, patients: 40, scoreDecimals: 2 }), 2048],
])('bootstrap, %s', (_, input, bins) => {
  const point = evaluate(input, settings);
  const result = bootstrap(input, settings, { seed: 3, resamples: 300, bins });

  it('is deterministic for a seed and changes with it', () => {
    expect(bootstrap(input, settings, { seed: 3, resamples: 300, bins })).toEqual(result);
    expect(bootstrap(input, settings, { seed: 4, resamples: 300, bins })).not.toEqual(result);
    expect(prepareEvaluation(input, 0.1).bootstrap(settings, { seed: 3, resamples: 300, bins })).toEqual(
      result,
    );
  });

  it('gives intervals that contain the point estimates', () => {
    const op = point.overall.operatingPoint;
    expect(result).toMatchObject({ resamples: 300, seed: 3 });
    contains(result.sensitivity, op.sensitivity);
    contains(result.fppi, op.fppi);
    contains(result.precision, op.precision);
    contains(result.ap101, point.overall.mAP);
    contains(result.cpm, point.overall.froc.cpm);
    for (const i of [result.sensitivity!, result.precision!, result.ap101!, result.cpm!]) {
      expect(i.high - i.low).toBeGreaterThan(0);
      expect(i.high - i.low).toBeLessThan(0.5);
    }
  });

  it('gives a FROC band on a log grid from 1/8 to 8 FPPI, low ≤ high', () => {
    const { fppi, low, high } = result.frocBand;
    expect(fppi).toHaveLength(FROC_BAND_POINTS);
    expect(fppi[0]).toBe(0.125);
    expect(fppi.at(-1)).toBe(8);
    expect(fppi[32]! / fppi[31]!).toBeCloseTo(fppi[1]! / fppi[0]!, 12);
    low.forEach((l, i) => {
      expect(l).toBeLessThanOrEqual(high[i]!);
      expect(l).toBeGreaterThanOrEqual(0);
      expect(high[i]).toBeLessThanOrEqual(1);
    });
  });
});

it('the binned AP and CPM of the resamples are centred on the exact values', () => {
  // With every patient drawn once the shifted binned values are the exact ones; resampled medians stay
  // close to them even with coarse bins.
  const input = synthetic({ seed: 62, patients: 60, slicesPerPatient: 6 });
  const point = evaluate(input, settings);
  const coarse = bootstrap(input, settings, { seed: 9, resamples: 400, bins: 16, level: 0.01 });
  const fine = bootstrap(input, settings, { seed: 9, resamples: 400, bins: 4096, level: 0.01 });
  for (const r of [coarse, fine]) {
    expect(Math.abs(r.ap101!.low - point.overall.mAP)).toBeLessThan(0.03);
    expect(Math.abs(r.cpm!.low - point.overall.froc.cpm!)).toBeLessThan(0.03);
  }
});

it('percentileInterval follows numpy (linear) and refuses too many undefined values', () => {
  const v = Float64Array.from({ length: 11 }, (_, i) => i);
  const i90 = percentileInterval(v, 0.9)!;
  expect(i90.low).toBeCloseTo(0.5, 12);
  expect(i90.high).toBeCloseTo(9.5, 12);
  const some = Float64Array.from([1, 2, NaN, 3]);
  expect(percentileInterval(some, 0.5)).toEqual({ low: 1.5, high: 2.5 });
  expect(percentileInterval(some, 0.95)).toBeNull();
});

it('refuses bad options', () => {
  const input = synthetic({ seed: 63, patients: 3 });
  expect(() => bootstrap(input, settings, { seed: 1.5 })).toThrow(/seed/);
  expect(() => bootstrap(input, settings, { seed: 1, resamples: 0 })).toThrow(/resamples/);
  expect(() => bootstrap(input, settings, { seed: 1, level: 1 })).toThrow(/level/);
});

/**
 * The bootstrap without binning, for reference: the same resamples (same PRNG draws), each evaluated
 * on the full ranking with every prediction weighted by its patient's draw count.
 */
function exactBootstrap(
  input: EvalInput,
  seed: number,
  resamples: number,
): { ap: Float64Array; cpm: Float64Array } {
  const m = matchInput(input, settings.iouThreshold);
  const patientOf = new Map<string, number>();
  const imagePatient = input.images.map((img) => {
    if (!patientOf.has(img.patientId)) patientOf.set(img.patientId, patientOf.size);
    return patientOf.get(img.patientId)!;
  });
  const P = patientOf.size;
  const gtPerPatient = new Float64Array(P);
  for (const i of input.groundTruth.image) gtPerPatient[imagePatient[i]!]!++;
  const imagesPerPatient = new Float64Array(P);
  for (const p of imagePatient) imagesPerPatient[p]!++;
  const { score, tp, image } = m.ranked;
  const n = score.length;
  const random = mulberry32(seed);
  const w = new Int32Array(P);
  const ap = new Float64Array(resamples);
  const cpm = new Float64Array(resamples);
  const cumTp = new Float64Array(n);
  const cumFp = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    w.fill(0);
    for (let i = 0; i < P; i++) w[randomInt(random, P)]!++;
    let gt = 0;
    let images = 0;
    for (let p = 0; p < P; p++) {
      gt += w[p]! * gtPerPatient[p]!;
      images += w[p]! * imagesPerPatient[p]!;
    }
    let a = 0;
    let b = 0;
    let g = 0;
    for (let k = 0; k < n; k++) {
      const weight = w[imagePatient[image[k]!]!]!;
      if (tp[k]) a += weight;
      else b += weight;
      if (k + 1 < n && score[k + 1] === score[k]) continue;
      if (g > 0 && cumTp[g - 1] === a && cumFp[g - 1] === b) continue;
      cumTp[g] = a;
      cumFp[g] = b;
      g++;
    }
    ap[r] = averagePrecisionFromCumulative(cumTp, cumFp, g, gt).ap101;
    cpm[r] = numpyMean(frocSensitivities({ cumTp, cumFp, n: g }, gt, images, settings.frocRates));
  }
  return { ap, cpm };
}

describe('binning approximation (intervals only)', () => {
  const input = synthetic({ seed: 64, patients: 60, slicesPerPatient: 8 });
  const exact = exactBootstrap(input, 5, 300);
  const exactAp = percentileInterval(exact.ap, 0.95)!;
  const exactCpm = percentileInterval(exact.cpm, 0.95)!;

  it.each([
    [2048, 0.003],
    [64, 0.01],
  ])('with %i fine bins the AP and CPM intervals are within %f of an exact bootstrap', (bins, tol) => {
    const binned = bootstrap(input, settings, { seed: 5, resamples: 300, bins });
    expect(Math.abs(binned.ap101!.low - exactAp.low)).toBeLessThan(tol);
    expect(Math.abs(binned.ap101!.high - exactAp.high)).toBeLessThan(tol);
    expect(Math.abs(binned.cpm!.low - exactCpm.low)).toBeLessThan(tol);
    expect(Math.abs(binned.cpm!.high - exactCpm.high)).toBeLessThan(tol);
  });
});
