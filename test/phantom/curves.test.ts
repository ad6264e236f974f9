import { describe, expect, it } from 'vitest';
import { sampleKeys, smoothstep } from '../../src/main/phantom/curves';

describe('sampleKeys', () => {
  const keys = [
    [0, 0, 10],
    [10, 5, 10],
    [30, 5, 20],
  ];
  it('passes through the keyframes and holds beyond them', () => {
    expect(sampleKeys(keys, 0, [])).toEqual([0, 10]);
    expect(sampleKeys(keys, 10, [])).toEqual([5, 10]);
    expect(sampleKeys(keys, 30, [])).toEqual([5, 20]);
    expect(sampleKeys(keys, -5, [])).toEqual([0, 10]);
    expect(sampleKeys(keys, 99, [])).toEqual([5, 20]);
  });
  it('is continuous and changes gradually', () => {
    let prev = sampleKeys(keys, 0, [])[0] as number;
    for (let d = 0.5; d <= 30; d += 0.5) {
      const v = sampleKeys(keys, d, [])[0] as number;
      expect(Math.abs(v - prev)).toBeLessThan(0.5);
      prev = v;
    }
  });
});

describe('smoothstep', () => {
  it('runs from 0 to 1 between its edges', () => {
    expect(smoothstep(2, 4, 1)).toBe(0);
    expect(smoothstep(2, 4, 3)).toBe(0.5);
    expect(smoothstep(2, 4, 5)).toBe(1);
  });
});
