import { describe, expect, it } from 'vitest';
import { clampSliceIndex, neighbourIndices, synthesizeThreeSlice } from '../../src/shared/imaging/threeSlice';
import { buildWindowLut, VENOUS_WINDOW } from '../../src/shared/imaging/window';

describe('neighbourIndices', () => {
  it('gives z − 1, z, z + 1 inside the series', () => {
    expect(neighbourIndices(5, 10)).toEqual([4, 5, 6]);
  });

  it('repeats the first and last slice for the missing neighbour', () => {
    expect(neighbourIndices(0, 10)).toEqual([0, 0, 1]);
    expect(neighbourIndices(9, 10)).toEqual([8, 9, 9]);
    expect(neighbourIndices(0, 1)).toEqual([0, 0, 0]);
  });

  it('clamps indices outside the series', () => {
    expect(clampSliceIndex(-3, 10)).toBe(0);
    expect(clampSliceIndex(12, 10)).toBe(9);
    expect(neighbourIndices(12, 10)).toEqual([8, 9, 9]);
    expect(() => clampSliceIndex(0, 0)).toThrow();
  });
});

describe('synthesizeThreeSlice', () => {
  const lut = buildWindowLut(VENOUS_WINDOW);

  it('puts the windowed slices z − 1, z, z + 1 into R, G, B', () => {
    const prev = Int16Array.from([-60, 340]);
    const cur = Int16Array.from([140, 40]);
    const next = Int16Array.from([340, -1000]);
    const out = new Uint8ClampedArray(8);
    synthesizeThreeSlice(prev, cur, next, lut, VENOUS_WINDOW, out);
    expect([...out]).toEqual([0, 128, 255, 255, 255, 64, 0, 255]);
  });

  it('handles Float32 slices with the same formula', () => {
    const out = new Uint8Array(4);
    synthesizeThreeSlice(
      Float32Array.from([-60]),
      Float32Array.from([140]),
      Float32Array.from([340]),
      lut,
      VENOUS_WINDOW,
      out,
    );
    expect([...out]).toEqual([0, 128, 255, 255]);
  });

  it('gives grey where all three slices are equal (a first slice has itself as z − 1)', () => {
    const s = Int16Array.from([40]);
    const out = new Uint8Array(4);
    synthesizeThreeSlice(s, s, s, lut, VENOUS_WINDOW, out);
    expect([...out]).toEqual([64, 64, 64, 255]);
  });

  it('refuses slices of different sizes', () => {
    expect(() =>
      synthesizeThreeSlice(
        new Int16Array(2),
        new Int16Array(3),
        new Int16Array(3),
        lut,
        VENOUS_WINDOW,
        new Uint8Array(12),
      ),
    ).toThrow(/differ/);
  });
});
