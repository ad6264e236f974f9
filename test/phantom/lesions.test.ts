import { describe, expect, it } from 'vitest';
import { planPatient } from '../../src/main/phantom/patient';

const positives = Array.from({ length: 80 }, (_, i) =>
  planPatient({ cohortSeed: 9, index: i, hasDvt: true, position: 'HFS', sliceCount: 60 }),
);

describe('lesion planning', () => {
  it('gives every positive patient a thrombus of 3–15 contiguous slices inside the scan', () => {
    for (const m of positives) {
      expect(m.plan.thrombi.length).toBeGreaterThan(0);
      for (const t of m.plan.thrombi) {
        const length = t.last - t.first + 1;
        expect(length).toBeGreaterThanOrEqual(3);
        expect(length).toBeLessThanOrEqual(15);
        expect(t.first).toBeGreaterThanOrEqual(0);
        expect(t.last).toBeLessThan(m.sliceCount);
        expect(t.hu).toBeGreaterThanOrEqual(20);
        expect(t.hu).toBeLessThanOrEqual(60);
      }
    }
  });

  it('puts thrombi on the left more often, and makes both partial and occlusive ones', () => {
    const all = positives.flatMap((m) => m.plan.thrombi);
    const left = all.filter((t) => t.side === 'left').length / all.length;
    expect(left).toBeGreaterThan(0.55);
    expect(all.some((t) => t.kind === 'partial')).toBe(true);
    expect(all.some((t) => t.kind === 'occlusive')).toBe(true);
    expect(all.some((t) => t.group === 'profunda')).toBe(true);
  });

  it('gives every patient mimics that do not persist: one-slice mixing artefacts, nodes over 1–3 slices', () => {
    const negatives = Array.from({ length: 20 }, (_, i) =>
      planPatient({ cohortSeed: 10, index: i, hasDvt: false, position: 'FFS', sliceCount: 60 }),
    );
    for (const m of [...positives, ...negatives]) {
      const mixing = m.plan.mimics.filter((x) => x.kind === 'mixing_artifact');
      const nodes = m.plan.mimics.filter((x) => x.kind === 'lymph_node');
      expect(mixing.length).toBeGreaterThanOrEqual(2);
      expect(nodes.length).toBeGreaterThanOrEqual(1);
      for (const x of mixing) {
        expect(x.first).toBe(x.last);
        expect(x.hu).toBeGreaterThanOrEqual(60);
        expect(x.hu).toBeLessThanOrEqual(110);
        // Never on or next to a thrombus in the same vein: the neighbours must be able to tell them apart.
        for (const t of m.plan.thrombi) {
          if (t.side === x.side && t.group === x.group) {
            expect(x.first < t.first - 1 || x.first > t.last + 1).toBe(true);
          }
        }
      }
      for (const x of nodes) expect(x.last - x.first + 1).toBeLessThanOrEqual(3);
    }
    for (const m of negatives) expect(m.plan.thrombi).toEqual([]);
  });
});
