/**
 * The skin outline at a depth: one trunk ellipse (abdomen, pelvis, then the perineum as it narrows) and one "limb"
 * ellipse per side that starts as a buttock inside the pelvis and becomes the thigh below the perineum. Soft tissue,
 * vessels and bones are placed relative to these shapes, so the layout follows each patient's build.
 */
import type { AnatomyParams } from './anatomy';
import { lerp, smoothstep } from './curves';
import type { MmEllipse } from './scene';
import type { Side } from '../../shared/phantom/groundTruth';
import { sideSign } from './scene';

/** Skin ellipse of the trunk, or null below the perineum. */
export function trunkOutline(p: AnatomyParams, d: number): MmEllipse | null {
  const { crotch } = p.levels;
  if (d > crotch + 12 * p.scale) return null;
  const narrowing = smoothstep(crotch - 40 * p.scale, crotch + 8 * p.scale, d);
  // Slightly narrower at the waist than across the hips.
  const hipWidth = p.pelvisHalfWidth * (0.94 + 0.06 * smoothstep(0, 80 * p.scale, d));
  // Below the pubis only the perineum (and in men the scrotum) is left between the thighs, anteriorly.
  return {
    x: 0,
    y: lerp(0, -0.12 * p.pelvisHalfDepth, narrowing),
    rx: lerp(hipWidth, 30 * p.scale, narrowing),
    ry: lerp(p.pelvisHalfDepth, 0.45 * p.pelvisHalfDepth, narrowing),
    angle: 0,
  };
}

/** Skin ellipse of the buttock / thigh on one side, or null above the buttocks. */
export function limbOutline(p: AnatomyParams, side: Side, d: number): MmEllipse | null {
  const s = p.scale;
  if (d < 45 * s) return null;
  const sgn = sideSign(side);
  const { crotch, range } = p.levels;
  const emerge = 0.7 + 0.3 * smoothstep(45 * s, 90 * s, d);
  const toThigh = smoothstep(crotch - 55 * s, crotch + 25 * s, d);
  // The thigh tapers towards the knee.
  const thighR = p.thighRadius * (1 - 0.08 * smoothstep(crotch, range, d));
  const buttock = {
    x: 0.4 * p.pelvisHalfWidth,
    y: 0.3 * p.pelvisHalfDepth,
    rx: 0.58 * p.pelvisHalfWidth * emerge,
    ry: 0.72 * p.pelvisHalfDepth * emerge,
  };
  return {
    x: sgn * lerp(buttock.x, p.thighCx, toThigh),
    y: lerp(buttock.y, p.thighCy, toThigh),
    rx: lerp(buttock.rx, thighR, toThigh),
    ry: lerp(buttock.ry, thighR * 0.97, toThigh),
    angle: 0,
  };
}

/** Subcutaneous fat thickness of the trunk (thicker over the abdomen) and of the limbs. */
function trunkFat(p: AnatomyParams): { lateral: number; ap: number } {
  return { lateral: p.fat, ap: p.fat * 1.1 };
}

function limbFat(p: AnatomyParams, d: number): number {
  // Buttocks carry more fat than the thigh.
  return (
    p.fat * (1.25 - 0.25 * smoothstep(p.levels.crotch - 20 * p.scale, p.levels.crotch + 30 * p.scale, d))
  );
}

/** Muscle (deep fascia) ellipse of the trunk. */
export function trunkMuscle(p: AnatomyParams, d: number): MmEllipse | null {
  const skin = trunkOutline(p, d);
  if (!skin) return null;
  const f = trunkFat(p);
  const rx = skin.rx - f.lateral;
  const ry = skin.ry - f.ap;
  return rx > 2 && ry > 2 ? { ...skin, rx, ry } : null;
}

export function limbMuscle(p: AnatomyParams, side: Side, d: number): MmEllipse | null {
  const skin = limbOutline(p, side, d);
  if (!skin) return null;
  const f = limbFat(p, d);
  return { ...skin, rx: skin.rx - f, ry: skin.ry - f };
}

/**
 * The y of the front of the body at x (the most anterior point of any trunk or limb ellipse that spans x), on the skin
 * or on the deep fascia; used to keep the groin vessels and the saphenous vein at a plausible depth while the outline
 * changes from pelvis to thighs.
 */
export function anteriorSurfaceY(p: AnatomyParams, d: number, x: number, layer: 'skin' | 'muscle'): number {
  const shapes =
    layer === 'skin'
      ? [trunkOutline(p, d), limbOutline(p, 'left', d), limbOutline(p, 'right', d)]
      : [trunkMuscle(p, d), limbMuscle(p, 'left', d), limbMuscle(p, 'right', d)];
  let front = Infinity;
  for (const e of shapes) {
    if (!e) continue;
    const t = (x - e.x) / e.rx;
    if (Math.abs(t) >= 1) continue;
    front = Math.min(front, e.y - e.ry * Math.sqrt(1 - t * t));
  }
  return Number.isFinite(front) ? front : 0;
}
