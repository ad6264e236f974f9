import { describe, expect, it } from 'vitest';
import { limbOutline, trunkOutline } from '../../src/main/phantom/outline';
import { planPatient } from '../../src/main/phantom/patient';
import type { VeinSegment } from '../../src/shared/phantom/groundTruth';

const SEGMENT_ORDER: VeinSegment[] = ['common_iliac', 'external_iliac', 'common_femoral', 'femoral'];
/** Vein diameters (mm) from ANATOMY.md; each patient's calibre factor (0.86–1.18 with body size) widens them. */
const VEIN_DIAMETER: Record<VeinSegment, [number, number]> = {
  common_iliac: [12, 16],
  external_iliac: [10, 14],
  common_femoral: [10, 13],
  femoral: [7, 10],
  deep_femoral: [5, 8],
};
const CALIBRE: [number, number] = [0.85, 1.2];

const models = Array.from({ length: 12 }, (_, i) =>
  planPatient({ cohortSeed: 100 + i, index: i, hasDvt: false, position: 'HFS', sliceCount: 60 }),
);

function inside(x: number, y: number, e: { x: number; y: number; rx: number; ry: number } | null): boolean {
  if (!e) return false;
  return ((x - e.x) / e.rx) ** 2 + ((y - e.y) / e.ry) ** 2 < 1;
}

describe('vessel layout', () => {
  it('moves the iliofemoral veins smoothly from slice to slice', () => {
    for (const m of models) {
      for (const side of ['left', 'right'] as const) {
        let prev: { x: number; y: number } | null = null;
        for (const slice of m.sections) {
          const v = slice.find((s) => s.side === side && s.group === 'trunk' && s.kind === 'vein');
          expect(v).toBeDefined();
          if (prev && v) expect(Math.hypot(v.x - prev.x, v.y - prev.y)).toBeLessThan(10);
          prev = v ?? null;
        }
      }
    }
  });

  it('labels segments cranial to caudal with plausible calibres', () => {
    for (const m of models) {
      for (const side of ['left', 'right'] as const) {
        let rank = 0;
        for (const slice of m.sections) {
          for (const v of slice.filter((s) => s.side === side && s.kind === 'vein' && s.segment)) {
            const [lo, hi] = VEIN_DIAMETER[v.segment!];
            expect(2 * v.r).toBeGreaterThanOrEqual(lo * CALIBRE[0]);
            expect(2 * v.r).toBeLessThanOrEqual(hi * CALIBRE[1]);
            if (v.group !== 'trunk') continue;
            const r = SEGMENT_ORDER.indexOf(v.segment!);
            expect(r).toBeGreaterThanOrEqual(rank);
            rank = r;
          }
        }
        expect(rank).toBe(SEGMENT_ORDER.length - 1);
      }
    }
  });

  it('keeps each vein apart from its artery, medial to it in the groin, and inside the body', () => {
    for (const m of models) {
      m.sections.forEach((slice, i) => {
        const d = m.depths[i] ?? 0;
        for (const v of slice.filter((s) => s.kind === 'vein')) {
          const a = slice.find((s) => s.kind === 'artery' && s.side === v.side && s.group === v.group);
          if (a && v.group === 'trunk') {
            expect(Math.hypot(a.x - v.x, a.y - v.y)).toBeGreaterThan(a.r + v.r);
            if (v.segment === 'common_femoral') expect(Math.abs(v.x)).toBeLessThan(Math.abs(a.x));
          }
          const body =
            inside(v.x, v.y, trunkOutline(m.anatomy, d)) ||
            inside(v.x, v.y, limbOutline(m.anatomy, 'left', d)) ||
            inside(v.x, v.y, limbOutline(m.anatomy, 'right', d));
          expect(body).toBe(true);
        }
      });
    }
  });
});
