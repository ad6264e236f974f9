/**
 * Attenuation at known anatomy, on noiseless renders (the reconstruction blur still applies), so the values must sit in
 * the ANATOMY.md ranges exactly.
 */
import { describe, expect, it } from 'vitest';
import { femurCentre } from '../../src/main/phantom/bones';
import { limbMuscle, limbOutline } from '../../src/main/phantom/outline';
import { planPatient, type PatientModel } from '../../src/main/phantom/patient';
import { toPixels } from '../../src/main/phantom/render';
import { createSliceBuffers, renderPatientSlice } from '../../src/main/phantom/renderSlice';
import { circle } from '../../src/main/phantom/scene';

const buffers = createSliceBuffers(512);

function render(m: PatientModel, index: number) {
  return renderPatientSlice(m, index, buffers, { noise: null, cohortSeed: 21 });
}

/** HU of the pixel containing the body-frame point (x, y) mm. */
function huAtMm(m: PatientModel, x: number, y: number): number {
  const p = toPixels(circle(x, y, 1), m.mapping);
  return buffers.img.data[Math.floor(p.cy) * 512 + Math.floor(p.cx)] as number;
}

function huAtPixel(x: number, y: number): number {
  return buffers.img.data[Math.floor(y) * 512 + Math.floor(x)] as number;
}

const models = Array.from({ length: 6 }, (_, i) =>
  planPatient({ cohortSeed: 21, index: i, hasDvt: true, position: 'HFS', sliceCount: 60 }),
);

describe('tissue attenuation', () => {
  it('enhances vein lumens to 120–180 HU where there is no lesion', () => {
    for (const m of models) {
      for (const index of [2, 20, 45]) {
        render(m, index);
        const busy = [...m.plan.thrombi, ...m.plan.mimics].filter(
          (l) => index >= l.first - 1 && index <= l.last + 1,
        );
        for (const v of m.sections[index] ?? []) {
          if (v.kind !== 'vein' || !v.segment || busy.some((l) => l.side === v.side)) continue;
          const hu = huAtMm(m, v.x, v.y);
          expect(hu).toBeGreaterThanOrEqual(120);
          expect(hu).toBeLessThanOrEqual(180);
        }
      }
    }
  });

  it('makes the thrombus centre 20–60 HU inside the brighter vein', () => {
    for (const m of models) {
      for (const t of m.plan.thrombi) {
        const index = Math.round((t.first + t.last) / 2);
        const boxes = render(m, index);
        const dvt = boxes.find((b) => b.tag.label === 'DVT' && b.tag.thrombusId === t.id);
        expect(dvt).toBeDefined();
        if (!dvt) continue;
        const { x1, y1, x2, y2 } = dvt.box;
        const hu = huAtPixel((x1 + x2) / 2, (y1 + y2) / 2);
        expect(hu).toBeGreaterThanOrEqual(20);
        expect(hu).toBeLessThanOrEqual(60);
      }
    }
  });

  it('gives subcutaneous fat −120…−80, muscle 40–60 and femoral cortex above 700 HU', () => {
    for (const m of models) {
      const index = 50;
      const d = m.depths[index] ?? 0;
      render(m, index);
      const skin = limbOutline(m.anatomy, 'left', d);
      const fascia = limbMuscle(m.anatomy, 'left', d);
      expect(skin && fascia).toBeTruthy();
      if (!skin || !fascia) continue;
      // Lateral thigh: half-way through the subcutaneous fat.
      const fat = huAtMm(m, skin.x + (skin.rx + fascia.rx) / 2, skin.y);
      expect(fat).toBeGreaterThanOrEqual(-120);
      expect(fat).toBeLessThanOrEqual(-80);
      const [fx, fy] = femurCentre(m.anatomy, 'left', d);
      const outer = m.anatomy.femurRadius;
      const cortex = huAtMm(m, fx + outer - m.anatomy.femurWall / 2, fy);
      expect(cortex).toBeGreaterThan(700);
      // Anterolateral quadriceps, between the septa, away from the vessels.
      const a = -0.9;
      const r = (outer + fascia.rx) / 2;
      const muscle = huAtMm(m, fx + Math.cos(a) * r, fy + Math.sin(a) * r);
      expect(muscle).toBeGreaterThanOrEqual(40);
      expect(muscle).toBeLessThanOrEqual(60);
    }
  });
});
