import { describe, expect, it } from 'vitest';
import { measureSliceSpacing } from '../../src/main/series/spacing';

describe('measureSliceSpacing', () => {
  it('measures an even series with no warnings', () => {
    expect(measureSliceSpacing([0, -5, -10, -15])).toEqual({ sliceSpacing: 5, warnings: [] });
  });

  it('reports a gap with the slices around it', () => {
    const r = measureSliceSpacing([0, -5, -10, -25, -30]);
    expect(r.sliceSpacing).toBe(5);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/1 gap.*15 mm between slices 3 and 4/);
  });

  it('reports duplicate positions and leaves them out of the spacing', () => {
    const r = measureSliceSpacing([0, -5, -5, -10]);
    expect(r.sliceSpacing).toBe(5);
    expect(r.warnings[0]).toMatch(/1 duplicate slice position.*slices 2\/3/);
  });

  it('reports uneven spacing', () => {
    const r = measureSliceSpacing([0, -5, -10, -16, -21, -26]);
    expect(r.sliceSpacing).toBe(5);
    expect(r.warnings.join()).toMatch(/uneven slice spacing: 1 step/);
  });

  it('has no spacing for a single slice', () => {
    expect(measureSliceSpacing([12])).toEqual({ sliceSpacing: null, warnings: [] });
  });
});
