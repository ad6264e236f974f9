import { describe, expect, it } from 'vitest';
import { BINOMIAL3_NOISE_GAIN, blurBinomial3 } from '../../src/main/phantom/blur';
import { addNoise, createNoiseTable } from '../../src/main/phantom/noise';
import { Prng } from '../../src/main/phantom/prng';
import { quantizeToStored } from '../../src/main/phantom/quantize';
import { createHuImage } from '../../src/main/phantom/raster';

describe('blurBinomial3', () => {
  it('keeps a constant image constant', () => {
    const img = createHuImage(16, 16, 42);
    blurBinomial3(img, new Float32Array(256));
    expect(img.data.every((v) => Math.abs(v - 42) < 1e-4)).toBe(true);
  });

  it('spreads an impulse as the separable [1 2 1]/4 kernel', () => {
    const img = createHuImage(16, 16, 0);
    img.data[8 * 16 + 8] = 16;
    blurBinomial3(img, new Float32Array(256));
    expect(img.data[8 * 16 + 8]).toBeCloseTo(4);
    expect(img.data[8 * 16 + 9]).toBeCloseTo(2);
    expect(img.data[7 * 16 + 8]).toBeCloseTo(2);
    expect(img.data[7 * 16 + 7]).toBeCloseTo(1);
    expect(img.data.reduce((a, v) => a + v, 0)).toBeCloseTo(16);
  });
});

describe('noise', () => {
  it('gives σ as requested after the blur', () => {
    const table = createNoiseTable(5);
    const img = createHuImage(512, 512, 0);
    addNoise(img, table, 15 / BINOMIAL3_NOISE_GAIN, new Prng(1));
    blurBinomial3(img, new Float32Array(512 * 512));
    let sq = 0;
    for (const v of img.data) sq += v * v;
    expect(Math.sqrt(sq / img.data.length)).toBeGreaterThan(13.5);
    expect(Math.sqrt(sq / img.data.length)).toBeLessThan(16.5);
  });

  it('uses every table entry once per 512 × 512 slice, in a different order per slice', () => {
    const table = createNoiseTable(9);
    const a = createHuImage(512, 512, 0);
    const b = createHuImage(512, 512, 0);
    const rng = new Prng(2);
    addNoise(a, table, 1, rng);
    addNoise(b, table, 1, rng);
    const sorted = Float32Array.from(table.values).sort();
    const got = Float32Array.from(a.data).sort();
    let mismatches = 0;
    for (let i = 0; i < sorted.length; i++) if (got[i] !== sorted[i]) mismatches++;
    expect(mismatches).toBe(0);
    let same = 0;
    for (let i = 0; i < a.data.length; i++) if (a.data[i] === b.data[i]) same++;
    expect(same).toBeLessThan(100);
  });
});

describe('quantizeToStored', () => {
  it('stores HU + 1024, rounded and clamped to 12 bits', () => {
    const img = createHuImage(4, 1, 0);
    img.data.set([-1000, 40.4, -2000, 5000]);
    const out = new Uint16Array(4);
    quantizeToStored(img, out);
    expect([...out]).toEqual([24, 1064, 0, 4095]);
  });
});
