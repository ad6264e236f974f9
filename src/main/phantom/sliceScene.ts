/**
 * Composes one slice: soft tissue, perivascular fat, nodes, bones, then the vessels with their thrombi and mixing
 * artefacts, as an ordered list of paint operations. Ground-truth shapes are tagged here, from the same ellipses that
 * are painted.
 */
import type { AnatomyParams } from './anatomy';
import { pushBoneOps } from './bones';
import type { LesionPlan, MimicPlan, ThrombusPlan } from './lesions';
import type { Prng } from './prng';
import { circle, type MmEllipse, type PaintOp } from './scene';
import { pushSoftTissueOps } from './softTissue';
import { separateFromArtery, type VesselSection } from './vessels';

/** Minimum contrast rim left around a partial thrombus (mm), so it reads as a filling defect. */
const PARTIAL_RIM_MM = 0.8;
const MIN_THROMBUS_RADIUS_MM = 2;

/** 0.55 at the ends of a thrombus, 1 in the middle: thrombi taper and the vein is most distended mid-way. */
export function thrombusProfile(k: number, length: number): number {
  return 0.55 + 0.45 * Math.sin((Math.PI * (k + 0.5)) / length);
}

function activeAt<T extends { first: number; last: number }>(items: readonly T[], index: number): T[] {
  return items.filter((t) => index >= t.first && index <= t.last);
}

function findSection(
  sections: readonly VesselSection[],
  lesion: ThrombusPlan | MimicPlan,
  kind: 'artery' | 'vein',
) {
  return sections.find((s) => s.side === lesion.side && s.group === lesion.group && s.kind === kind);
}

/** Distends thrombosed veins, pushing them away from their artery so the two never overlap. */
function distendVeins(sections: VesselSection[], thrombi: readonly ThrombusPlan[], index: number): void {
  for (const t of thrombi) {
    const vein = findSection(sections, t, 'vein');
    if (!vein) continue;
    const profile = thrombusProfile(index - t.first, t.last - t.first + 1);
    vein.r *= 1 + (t.maxDistension - 1) * profile;
    const artery = findSection(sections, t, 'artery');
    if (artery) separateFromArtery(vein, artery);
  }
}

/** An ellipse around an artery–vein pair with a margin: the fat they run in. */
function sheath(a: VesselSection, b: VesselSection | undefined, margin: number): MmEllipse {
  if (!b) return circle(a.x, a.y, a.r + margin);
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const half = Math.hypot(dx, dy) / 2;
  return {
    x: (a.x + b.x) / 2,
    y: (a.y + b.y) / 2,
    rx: half + Math.max(a.r, b.r) + margin,
    ry: Math.max(a.r, b.r) + margin,
    angle: Math.atan2(dy, dx),
  };
}

function sheathMargin(p: AnatomyParams, s: VesselSection, d: number): number {
  const sc = p.scale;
  if (s.group === 'profunda') return 2.5 * sc;
  if (s.group === 'saphenous') return 1.5 * sc;
  if (s.group === 'internalIliac') return 3 * sc;
  if (d > p.levels.inguinal - 10 * sc && d < p.levels.femBif + 20 * sc) return 8 * sc; // femoral triangle
  return d < p.levels.inguinal ? 5 * sc : 3.5 * sc;
}

/** Where a node sits: beside the vein, on the side away from its artery, clear of all other vessels. */
function placeNode(sections: readonly VesselSection[], m: MimicPlan, radius: number): MmEllipse | null {
  const vein = findSection(sections, m, 'vein');
  if (!vein) return null;
  const artery = findSection(sections, m, 'artery');
  const away = artery ? Math.atan2(vein.y - artery.y, vein.x - artery.x) : m.angle;
  for (let k = 0; k < 8; k++) {
    const a = away + (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * 0.45 + (m.angle % 0.3);
    const dist = vein.r + m.offset + radius;
    const x = vein.x + Math.cos(a) * dist;
    const y = vein.y + Math.sin(a) * dist;
    const clear = sections.every((s) => Math.hypot(s.x - x, s.y - y) > s.r + radius + 1);
    if (clear) return { x, y, rx: radius, ry: radius * m.aspect, angle: a };
  }
  return null;
}

export interface SliceSceneInput {
  p: AnatomyParams;
  /** Vessel sections of this slice (copied; distension changes them). */
  sections: readonly VesselSection[];
  plan: LesionPlan;
  index: number;
  /** Anatomical depth of the slice (mm). */
  d: number;
  /** Per-slice random stream (calcifications, small attenuation changes). */
  rng: Prng;
}

export function buildSliceOps(input: SliceSceneInput): PaintOp[] {
  const { p, plan, index, d, rng } = input;
  const sections = input.sections.map((s) => ({ ...s }));
  const thrombi = activeAt(plan.thrombi, index);
  const mimics = activeAt(plan.mimics, index);
  distendVeins(sections, thrombi, index);

  const ops: PaintOp[] = [];
  pushSoftTissueOps(p, d, ops);

  // Perivascular fat: one sheath per artery–vein pair (or lone vein).
  for (const s of sections) {
    if (s.kind === 'artery') continue;
    const partner = sections.find((a) => a.kind === 'artery' && a.side === s.side && a.group === s.group);
    ops.push({ kind: 'fill', shape: sheath(s, partner, sheathMargin(p, s, d)), hu: p.hu.fat });
  }
  for (const t of thrombi) {
    const vein = findSection(sections, t, 'vein');
    if (vein && t.oedemaHu !== null) {
      ops.push({
        kind: 'replaceBelow',
        shape: circle(vein.x, vein.y, vein.r * 2.3),
        hu: t.oedemaHu,
        below: -40,
      });
    }
  }

  for (const m of mimics) {
    if (m.kind !== 'lymph_node') continue;
    // Largest on its middle slice.
    const mid = (m.first + m.last) / 2;
    const radius = m.size * (1 - 0.3 * Math.min(1, Math.abs(index - mid)));
    const node = placeNode(sections, m, radius);
    if (!node) continue;
    ops.push({
      kind: 'fill',
      shape: node,
      hu: m.hu,
      tag: { label: 'mimic', kind: m.kind, mimicId: m.id, side: m.side },
    });
    if (m.fattyHilum && radius > 3.5) {
      ops.push({
        kind: 'fill',
        shape: {
          ...node,
          x: node.x + Math.cos(node.angle) * radius * 0.3,
          rx: radius * 0.35,
          ry: radius * 0.25,
        },
        hu: p.hu.fat * 0.8,
      });
    }
  }

  pushBoneOps(p, d, ops);

  for (const s of sections) {
    if (s.kind === 'artery') {
      ops.push({ kind: 'fill', shape: circle(s.x, s.y, s.r), hu: p.hu.artery + rng.uniform(-3, 3) });
      if (p.calcification > 0 && rng.chance(p.calcification)) {
        const a = rng.uniform(0, 2 * Math.PI);
        const dotR = rng.uniform(0.7, 1.2);
        ops.push({
          kind: 'fill',
          shape: circle(s.x + Math.cos(a) * (s.r - 0.4), s.y + Math.sin(a) * (s.r - 0.4), dotR),
          hu: rng.uniform(400, 800),
        });
      }
      continue;
    }
    pushVeinOps(p, s, thrombi, index, rng, ops);
  }

  for (const m of mimics) {
    if (m.kind !== 'mixing_artifact') continue;
    const vein = findSection(sections, m, 'vein');
    if (!vein) continue;
    const core = vein.r * m.size;
    const x = vein.x + Math.cos(m.angle) * vein.r * m.offset;
    const y = vein.y + Math.sin(m.angle) * vein.r * m.offset;
    const coreShape: MmEllipse = { x, y, rx: core * m.aspect, ry: core / m.aspect, angle: m.angle };
    // Ill-defined: full strength in the middle, fading over the core edge.
    const outer = 1.6;
    ops.push({
      kind: 'soft',
      shape: { ...coreShape, rx: coreShape.rx * outer, ry: coreShape.ry * outer },
      hu: m.hu,
      inner: 0.5 / outer,
      above: p.hu.vein - 40,
    });
    ops.push({
      kind: 'mark',
      shape: coreShape,
      tag: { label: 'mimic', kind: m.kind, mimicId: m.id, side: m.side },
    });
  }
  return ops;
}

function pushVeinOps(
  p: AnatomyParams,
  s: VesselSection,
  thrombi: readonly ThrombusPlan[],
  index: number,
  rng: Prng,
  ops: PaintOp[],
): void {
  const lumen = circle(s.x, s.y, s.r);
  const veinHu = p.hu.vein + rng.uniform(-3, 3);
  const thrombus = s.segment ? thrombi.find((t) => t.side === s.side && t.group === s.group) : undefined;
  if (!s.segment) {
    ops.push({ kind: 'fill', shape: lumen, hu: veinHu });
    return;
  }
  const veinTag = { label: 'vein' as const, side: s.side, segment: s.segment };
  if (!thrombus) {
    ops.push({ kind: 'fill', shape: lumen, hu: veinHu, tag: veinTag });
    return;
  }
  const k = index - thrombus.first;
  const profile = thrombusProfile(k, thrombus.last - thrombus.first + 1);
  const angle = thrombus.angle + thrombus.angleDrift * k;
  const dvtTag = { label: 'DVT' as const, side: s.side, segment: s.segment, thrombusId: thrombus.id };
  if (thrombus.kind === 'occlusive') {
    // The whole lumen is thrombus; the wall enhances as a rim of 1–2 pixels.
    ops.push({ kind: 'fill', shape: lumen, hu: thrombus.rimHu, tag: veinTag });
    const inner = Math.min(s.r - 0.5, Math.max(MIN_THROMBUS_RADIUS_MM, s.r - 1.3));
    ops.push({
      kind: 'fill',
      shape: { x: s.x, y: s.y, rx: inner, ry: inner * Math.min(1, thrombus.aspect), angle },
      hu: thrombus.hu,
      tag: dvtTag,
    });
    return;
  }
  ops.push({ kind: 'fill', shape: lumen, hu: veinHu, tag: veinTag });
  const maxR = Math.max(MIN_THROMBUS_RADIUS_MM, s.r * thrombus.sizeFraction * (0.75 + 0.25 * profile));
  const rx = Math.min(maxR, s.r - PARTIAL_RIM_MM);
  const ry = rx * Math.min(1, thrombus.aspect);
  const room = Math.max(0, s.r - PARTIAL_RIM_MM - rx);
  const offset = room * thrombus.eccentricity;
  ops.push({
    kind: 'fill',
    shape: { x: s.x + Math.cos(angle) * offset, y: s.y + Math.sin(angle) * offset, rx, ry, angle },
    hu: thrombus.hu,
    tag: dvtTag,
  });
}
