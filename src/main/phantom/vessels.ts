/**
 * Vessel centrelines and calibres. Each vessel is a spline through a few keyframes placed relative to the patient's
 * anatomy (spine, psoas, front of the groin, thigh compartments), so the vessels move smoothly from slice to slice:
 * common iliac → external iliac → common femoral → femoral ("trunk"), the deep femoral branch, the internal iliac
 * branch and the great saphenous vein. Veins follow their artery with an offset (posterior-medial in the pelvis,
 * medial in the groin, deep in the thigh).
 */
import type { AnatomyParams } from './anatomy';
import { sampleKeys, smoothstep, type Key } from './curves';
import { femurCentre, vertebralBodyY } from './bones';
import { anteriorSurfaceY, limbMuscle, limbOutline } from './outline';
import { psoasAt } from './softTissue';
import { sideSign, SIDES } from './scene';
import type { Side, VeinSegment } from '../../shared/phantom/groundTruth';

export type VesselGroup = 'trunk' | 'profunda' | 'internalIliac' | 'saphenous';

export interface VesselSection {
  side: Side;
  group: VesselGroup;
  kind: 'artery' | 'vein';
  /** Centre (mm, body frame) and radius (mm). */
  x: number;
  y: number;
  r: number;
  /** Iliofemoral deep-vein segment for the veins the ground truth labels; null otherwise. */
  segment: VeinSegment | null;
}

/** Keyframes in the side frame: [depth, lateral distance from the midline, y, radius]. */
interface VesselPath {
  keys: Key[];
  from: number;
  to: number;
}

interface SidePaths {
  side: Side;
  vessels: { group: VesselGroup; kind: 'artery' | 'vein'; path: VesselPath }[];
}

export type VesselPaths = SidePaths[];

/** Builds the per-patient vessel paths once; `vesselSections` then samples them at any depth. */
export function buildVesselPaths(p: AnatomyParams): VesselPaths {
  return SIDES.map((side) => buildSide(p, side));
}

function buildSide(p: AnatomyParams, side: Side): SidePaths {
  const s = p.scale;
  const L = p.levels;
  const v = p.vesselScale;
  const sgn = sideSign(side);
  const vbY = vertebralBodyY(p);
  const thighMuscleR = p.thighRadius - p.fat;
  const at = (keys: Key[], d: number): number[] => sampleKeys(keys, d, []);

  // Trunk artery.
  // External iliac: along the medial border of the psoas, rising steadily towards the groin.
  const dK2 = L.ciBif + 0.4 * (L.inguinal - L.ciBif);
  const psoas = psoasAt(p, side, dK2);
  const k2l = psoas ? Math.abs(psoas.x) - 0.62 * psoas.rx : 50 * s;
  const k1y = vbY - 30 * s;
  const k3y = anteriorSurfaceY(p, L.inguinal, sgn * (p.hipSpan - 8 * s), 'muscle') + 8 * s;
  const k2y = k1y + 0.35 * (k3y - k1y);
  const dK4 = L.headCentre + 8 * s;
  const dK5 = L.femBif + 6 * s;
  const k5l = p.thighCx - 0.32 * thighMuscleR;
  const dK6 = (L.femBif + L.range) / 2;
  const dK7 = L.range + 5 * s;
  const thighAt = (d: number, ml: number, my: number): [number, number] => {
    const m = limbMuscle(p, side, d);
    if (!m) return [p.thighCx, p.thighCy];
    return [Math.abs(m.x) + ml * m.rx, m.y + my * m.ry];
  };
  const [k6l, k6y] = thighAt(dK6, -0.42, -0.45);
  const [k7l, k7y] = thighAt(dK7, -0.45, -0.08);
  const frontAt = (d: number, l: number): number => anteriorSurfaceY(p, d, sgn * l, 'muscle');
  const artery: Key[] = [
    [0, 20 * s, vbY - 38 * s, 5.0 * v],
    [L.ciBif, 36 * s, k1y, 4.5 * v],
    [dK2, k2l, k2y, 4.0 * v],
    [L.inguinal, p.hipSpan - 8 * s, k3y, 3.9 * v],
    [dK4, p.hipSpan - 7 * s, frontAt(dK4, p.hipSpan - 7 * s) + 8 * s, 3.8 * v],
    [dK5, k5l, frontAt(dK5, k5l) + 10 * s, 3.2 * v],
    [dK6, k6l, k6y, 3.0 * v],
    [dK7, k7l, k7y, 2.8 * v],
  ];
  // Vein offsets from the artery in the side frame [Δlateral, Δy] and vein radii, per artery keyframe.
  const veinOffsets: [number, number, number][] = [
    [side === 'left' ? -7 : 2, side === 'left' ? 12 : 13, 7.0],
    [-8, 11, 6.6],
    [-11, 7, 6.0],
    [-12, 3, 5.8],
    [-12, 2, 5.6],
    [-3, 9, 4.6],
    [-1, 9, 4.3],
    [2, 9, 4.0],
  ];
  // Offsets grow with calibre as well as body size, so wide vessels in a small patient still sit side by side.
  const spread = Math.max(s, v);
  const vein: Key[] = artery.map((k, i) => {
    const [dl, dy, r] = veinOffsets[i] ?? [0, 0, 4];
    return [k[0] ?? 0, (k[1] ?? 0) + dl * spread, (k[2] ?? 0) + dy * spread, r * v];
  });

  // Deep femoral: branches at the femoral bifurcation and runs down close to the femur.
  const femurRel = (d: number, medial: number, dy: number): [number, number] => {
    const [fx, fy] = femurCentre(p, side, d);
    return [Math.abs(fx) - medial * s, fy + dy * s];
  };
  const [aBifL = 0, aBifY = 0] = at(artery, L.femBif);
  const [vBifL = 0, vBifY = 0] = at(vein, L.femBif + 3 * s);
  const dP1 = L.femBif + 25 * s;
  const [p1l, p1y] = femurRel(dP1, 20, -10);
  const [p2l, p2y] = femurRel(L.pfEnd, 20, 5);
  const profundaArtery: Key[] = [
    [L.femBif, aBifL, aBifY, 3.0 * v],
    [dP1, p1l, p1y, 2.7 * v],
    [L.pfEnd, p2l, p2y, 2.2 * v],
  ];
  const profundaVein: Key[] = [
    [L.femBif + 3 * s, vBifL, vBifY, 4.0 * v],
    [dP1, p1l - 1 * s, p1y + 6.5 * s, 3.6 * v],
    [L.pfEnd, p2l, p2y + 6 * s, 3.0 * v],
  ];

  // Internal iliac: from the common iliac bifurcation back towards the sacrum.
  const [ciaL = 0, ciaY = 0] = at(artery, L.ciBif);
  const [civL = 0, civY = 0] = at(vein, L.ciBif + 3 * s);
  const dI1 = L.ciBif + 55 * s;
  const internalArtery: Key[] = [
    [L.ciBif, ciaL, ciaY, 3.6 * v],
    [dI1, 42 * s, vbY + 12 * s, 2.6 * v],
  ];
  const internalVein: Key[] = [
    [L.ciBif + 3 * s, civL, civY, 4.4 * v],
    [dI1, 40 * s, vbY + 20 * s, 3.4 * v],
  ];

  // Great saphenous: leaves the common femoral vein anteromedially, then runs in the subcutaneous fat.
  const [sfjL = 0, sfjY = 0] = at(vein, L.sfj);
  const dG1 = L.sfj + 14 * s;
  const g1l = k5l - 12 * s;
  const skinAt = (d: number, dirMedial: number, dirAnterior: number): [number, number] => {
    const skin = limbOutline(p, side, d);
    if (!skin) return [p.thighCx, p.thighCy];
    const depth = p.fat * 0.5;
    const n = Math.hypot(dirMedial, dirAnterior);
    return [
      Math.abs(skin.x) - (dirMedial / n) * (skin.rx - depth),
      skin.y - (dirAnterior / n) * (skin.ry - depth),
    ];
  };
  const [g2l, g2y] = skinAt(L.sfj + 60 * s, 0.8, 0.6);
  const [g3l, g3y] = skinAt(L.range + 5 * s, 0.97, 0.25);
  const saphenous: Key[] = [
    [L.sfj, sfjL - 5 * s, sfjY - 7 * s, 2.5 * v],
    [dG1, g1l, anteriorSurfaceY(p, dG1, sgn * g1l, 'skin') + p.fat * 0.5, 2.2 * v],
    [L.sfj + 60 * s, g2l, g2y, 2.0 * v],
    [L.range + 5 * s, g3l, g3y, 1.9 * v],
  ];

  return {
    side,
    vessels: [
      { group: 'trunk', kind: 'artery', path: { keys: artery, from: -Infinity, to: Infinity } },
      { group: 'trunk', kind: 'vein', path: { keys: vein, from: -Infinity, to: Infinity } },
      { group: 'profunda', kind: 'artery', path: { keys: profundaArtery, from: L.femBif, to: L.pfEnd } },
      { group: 'profunda', kind: 'vein', path: { keys: profundaVein, from: L.femBif + 3 * s, to: L.pfEnd } },
      { group: 'internalIliac', kind: 'artery', path: { keys: internalArtery, from: L.ciBif, to: dI1 } },
      { group: 'internalIliac', kind: 'vein', path: { keys: internalVein, from: L.ciBif + 3 * s, to: dI1 } },
      { group: 'saphenous', kind: 'vein', path: { keys: saphenous, from: L.sfj, to: Infinity } },
    ],
  };
}

/** Segment name of a trunk vein at a depth. */
function trunkSegment(p: AnatomyParams, d: number): VeinSegment {
  const L = p.levels;
  if (d < L.ciBif) return 'common_iliac';
  if (d < L.inguinal) return 'external_iliac';
  if (d < L.femBif) return 'common_femoral';
  return 'femoral';
}

/** Gap kept between a vein and its artery (mm). */
const VESSEL_GAP_MM = 0.8;

/**
 * Moves `vein` straight away from `artery` until the two are `VESSEL_GAP_MM` apart. Used for the layout and again when
 * a thrombus distends the vein.
 */
export function separateFromArtery(vein: VesselSection, artery: VesselSection): void {
  const dx = vein.x - artery.x;
  const dy = vein.y - artery.y;
  const dist = Math.hypot(dx, dy) || 1;
  const need = artery.r + vein.r + VESSEL_GAP_MM;
  if (dist >= need) return;
  vein.x = artery.x + (dx / dist) * need;
  vein.y = artery.y + (dy / dist) * need;
}

/** All vessel cross-sections at depth `d`. */
export function vesselSections(p: AnatomyParams, paths: VesselPaths, d: number): VesselSection[] {
  const out: VesselSection[] = [];
  const tmp: number[] = [];
  // The side-to-side asymmetry fades in below the bifurcation, where there is room for it.
  const shiftWeight = smoothstep(0, p.levels.ciBif, d);
  for (const sidePaths of paths) {
    const sgn = sideSign(sidePaths.side);
    const [shiftX, shiftY] = p.vesselShift[sidePaths.side];
    for (const vessel of sidePaths.vessels) {
      if (d < vessel.path.from || d > vessel.path.to) continue;
      const [l = 0, y = 0, r = 0] = sampleKeys(vessel.path.keys, d, tmp);
      let segment: VeinSegment | null = null;
      if (vessel.kind === 'vein' && vessel.group === 'trunk') segment = trunkSegment(p, d);
      if (vessel.kind === 'vein' && vessel.group === 'profunda') segment = 'deep_femoral';
      out.push({
        side: sidePaths.side,
        group: vessel.group,
        kind: vessel.kind,
        x: sgn * l + shiftX * shiftWeight,
        y: y + shiftY * shiftWeight,
        r,
        segment,
      });
    }
  }
  for (const vein of out) {
    if (vein.kind !== 'vein') continue;
    const artery = out.find((a) => a.kind === 'artery' && a.side === vein.side && a.group === vein.group);
    if (artery) separateFromArtery(vein, artery);
  }
  return out;
}
