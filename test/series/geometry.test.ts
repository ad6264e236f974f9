import { describe, expect, it } from 'vitest';
import { pixelToPatient, sliceNormal } from '../../src/shared/imaging/geometry';

describe('geometry', () => {
  it('takes the slice normal as row × column', () => {
    expect(sliceNormal([1, 0, 0, 0, 1, 0])).toEqual([0, 0, 1]);
    expect(sliceNormal([-1, 0, 0, 0, 1, 0]).map((v) => v + 0)).toEqual([0, 0, -1]);
  });

  it('refuses parallel direction cosines', () => {
    expect(() => sliceNormal([1, 0, 0, 1, 0, 0])).toThrow(/parallel/);
  });

  it('puts the first pixel centre (0.5, 0.5) at ImagePositionPatient', () => {
    expect(pixelToPatient(0.5, 0.5, [-100, -50, 20], [1, 0, 0, 0, 1, 0], [0.8, 0.7])).toEqual([
      -100, -50, 20,
    ]);
  });

  it('steps columns by column spacing along the row direction', () => {
    const p = pixelToPatient(10.5, 4.5, [-100, -50, 20], [1, 0, 0, 0, 1, 0], [0.8, 0.7]);
    expect(p[0]).toBeCloseTo(-100 + 10 * 0.7);
    expect(p[1]).toBeCloseTo(-50 + 4 * 0.8);
    expect(p[2]).toBe(20);
  });
});
