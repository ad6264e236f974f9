/**
 * Soft tissue at a depth: subcutaneous fat and the muscle compartments, the abdominal/pelvic cavity with its fat,
 * psoas, bowel loops, bladder and rectum, and the thin fat planes between the thigh muscle groups.
 */
import type { AnatomyParams } from './anatomy';
import { sampleKeys, smoothstep } from './curves';
import { femurCentre, vertebralBodyY } from './bones';
import { limbMuscle, limbOutline, trunkMuscle, trunkOutline } from './outline';
import { bar, sideSign, SIDES, type MmEllipse, type PaintOp } from './scene';
import type { Side } from '../../shared/phantom/groundTruth';

/** The fat-filled abdominal / pelvic cavity, shrinking to the true pelvis and closing at the pelvic floor. */
export function cavity(p: AnatomyParams, d: number): MmEllipse | null {
  const m = trunkMuscle(p, 0);
  if (!m || d > p.levels.crotch - 8 * p.scale) return null;
  const s = p.scale;
  const [cy = 0, rx = 0, ry = 0] = sampleKeys(
    [
      [0, -0.2 * m.ry, 0.78 * m.rx, 0.6 * m.ry],
      [60 * s, -0.18 * m.ry, 0.62 * m.rx, 0.56 * m.ry],
      [p.levels.inguinal, -0.06 * m.ry, 0.4 * m.rx, 0.55 * m.ry],
      [p.levels.headCentre + 15 * s, 0.04 * m.ry, 0.26 * m.rx, 0.45 * m.ry],
      [p.levels.crotch - 8 * s, 0.08 * m.ry, 0.1 * m.rx, 0.22 * m.ry],
    ],
    d,
    [],
  );
  return rx > 1 && ry > 1 ? { x: 0, y: cy, rx, ry, angle: 0 } : null;
}

/** The psoas muscle, from beside L5 to the front of the hip, or null below the inguinal ligament. */
export function psoasAt(p: AnatomyParams, side: Side, d: number): MmEllipse | null {
  const s = p.scale;
  const L = p.levels;
  if (d > L.inguinal + 10 * s) return null;
  const vbY = vertebralBodyY(p);
  const [l = 0, y = 0, rx = 0, ry = 0] = sampleKeys(
    [
      [0, 42 * s, vbY + 2 * s, 16 * s, 14 * s],
      [60 * s, 55 * s, vbY - 10 * s, 19 * s, 16 * s],
      [L.inguinal + 10 * s, p.hipSpan - 2 * s, p.hipY - p.headRadius - 14 * s, 18 * s, 13 * s],
    ],
    d,
    [],
  );
  return { x: sideSign(side) * l, y, rx, ry, angle: 0 };
}

export function pushSoftTissueOps(p: AnatomyParams, d: number, ops: PaintOp[]): void {
  const s = p.scale;
  const L = p.levels;
  const fatHu = p.hu.fat;
  const muscleHu = p.hu.muscle;

  const trunk = trunkOutline(p, d);
  if (trunk) ops.push({ kind: 'fill', shape: trunk, hu: fatHu });
  for (const side of SIDES) {
    const limb = limbOutline(p, side, d);
    if (limb) ops.push({ kind: 'fill', shape: limb, hu: fatHu });
  }
  const trunkM = trunkMuscle(p, d);
  if (trunkM) ops.push({ kind: 'fill', shape: trunkM, hu: muscleHu });
  for (const side of SIDES) {
    const limbM = limbMuscle(p, side, d);
    if (limbM) ops.push({ kind: 'fill', shape: limbM, hu: muscleHu });
  }

  // Gluteal fat plane between gluteus maximus and medius.
  if (d > 55 * s && d < L.crotch) {
    for (const side of SIDES) {
      const limbM = limbMuscle(p, side, d);
      if (!limbM) continue;
      // From posteromedial to lateral across the buttock (x offsets point away from the midline on both sides).
      const out = sideSign(side) * 0.55 * limbM.rx;
      const plane = bar(
        limbM.x - out,
        limbM.y + 0.55 * limbM.ry,
        limbM.x + out,
        limbM.y + 0.05 * limbM.ry,
        2.2 * s,
      );
      ops.push({ kind: 'fill', shape: plane, hu: fatHu });
    }
  }

  // Intermuscular septa of the thigh, radiating from the femur to the fascia.
  if (d > L.crotch - 10 * s) {
    for (const side of SIDES) {
      const sgn = sideSign(side);
      const limbM = limbMuscle(p, side, d);
      if (!limbM) continue;
      const [fx, fy] = femurCentre(p, side, d);
      for (const a of p.septa) {
        const dx = sgn * Math.cos(a);
        const dy = -Math.sin(a);
        const start = p.femurRadius + 5 * s;
        ops.push({
          kind: 'fill',
          shape: bar(
            fx + dx * start,
            fy + dy * start,
            limbM.x + dx * (limbM.rx - 1),
            limbM.y + dy * (limbM.ry - 1),
            1.8 * s,
          ),
          hu: fatHu,
        });
      }
    }
  }

  const cav = cavity(p, d);
  if (cav) ops.push({ kind: 'fill', shape: cav, hu: fatHu });

  // Psoas, joining the iliacus and passing in front of the hip.
  const vbY = vertebralBodyY(p);
  for (const side of SIDES) {
    const psoas = psoasAt(p, side, d);
    if (psoas) ops.push({ kind: 'fill', shape: psoas, hu: muscleHu });
  }

  if (cav) pushPelvicOrgans(p, d, cav, vbY, ops);
}

function clampUnit(v: number): number {
  return v < -1 ? -1 : v > 1 ? 1 : v;
}

function pushPelvicOrgans(p: AnatomyParams, d: number, cav: MmEllipse, vbY: number, ops: PaintOp[]): void {
  const s = p.scale;
  const L = p.levels;
  const wall = p.hu.softWall;

  for (const loop of p.bowel) {
    if (d < loop.dStart || d > loop.dEnd) continue;
    // Loops swell and shrink along their course and drift a little from slice to slice.
    const t = (d - loop.dStart) / (loop.dEnd - loop.dStart);
    const r = loop.radius * (0.55 + 0.45 * Math.sin(Math.PI * t));
    // Kept inside the cavity; the wall enhances in the venous phase, which is what outlines a loop on CT.
    const x = cav.x + Math.max(0, cav.rx - r) * clampUnit(loop.nx + 0.12 * Math.sin(loop.phase + d / 18));
    const y = cav.y + Math.max(0, cav.ry - r) * clampUnit(loop.ny + 0.1 * Math.cos(loop.phase + d / 23));
    ops.push({ kind: 'fill', shape: { x, y, rx: r, ry: r * 0.85, angle: loop.phase }, hu: p.hu.bowelWall });
    ops.push({
      kind: 'fill',
      shape: { x, y, rx: r - 2.5, ry: r * 0.85 - 2.5, angle: loop.phase },
      hu: loop.contentHu,
    });
  }

  // Bladder: anterior in the pelvis, rising from the pelvic floor.
  const bTop = L.inguinal - 45 * s;
  const bBottom = L.crotch - 12 * s;
  if (d > bTop && d < bBottom) {
    const f = Math.pow(Math.sin((Math.PI * (d - bTop)) / (bBottom - bTop)), 0.6);
    const rx = p.bladderRadius * 1.15 * f;
    const ry = p.bladderRadius * 0.85 * f;
    const y = cav.y - cav.ry + ry + 4 * s;
    if (rx > 4) {
      ops.push({ kind: 'fill', shape: { x: 0, y, rx, ry, angle: 0 }, hu: wall });
      ops.push({ kind: 'fill', shape: { x: 0, y, rx: rx - 2.5, ry: ry - 2.5, angle: 0 }, hu: p.hu.urine });
      if (p.bladderContrast && ry > 10) {
        // Excreted contrast layers in the dependent (posterior) urine.
        ops.push({
          kind: 'fill',
          shape: { x: 0, y: y + ry * 0.75, rx: rx * 0.55, ry: ry * 0.18, angle: 0 },
          hu: 260,
        });
      }
    }
  }

  // Rectum in front of the sacrum.
  if (d > 80 * s && d < L.crotch - 6 * s) {
    const y = Math.min(cav.y + cav.ry - 13 * s, vbY + 52 * s - 20 * s);
    const r = 13 * s * (0.8 + 0.2 * smoothstep(80 * s, 120 * s, d));
    ops.push({ kind: 'fill', shape: { x: 0, y, rx: r * 1.1, ry: r * 0.9, angle: 0 }, hu: wall });
    ops.push({
      kind: 'fill',
      shape: { x: 0, y, rx: r * 1.1 - 2.5, ry: r * 0.9 - 2.5, angle: 0 },
      hu: d < 110 * s ? -900 : -40,
    });
  }
}
