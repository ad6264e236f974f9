/**
 * Planning thrombi and mimics for one patient, in slice indices (anatomical order) before anything is drawn.
 *
 * Thrombi: contiguous over 3–15 slices of one deep vein, left more often than right, partial (eccentric, with a rim of
 * contrast) or occlusive (filling the lumen, rim-enhancing wall), distending the vein.
 * Mimics, in every patient: single-slice mixing artefacts inside a vein, and small nodes beside the vessels over 1–3
 * slices. Neither persists like a thrombus, which is what the neighbouring slices reveal.
 */
import type { MimicKind, Side, ThrombusKind, VeinSegment } from '../../shared/phantom/groundTruth';
import type { Prng } from './prng';
import type { VesselGroup, VesselSection } from './vessels';

export interface ThrombusPlan {
  id: string;
  side: Side;
  group: 'trunk' | 'profunda';
  first: number;
  last: number;
  kind: ThrombusKind;
  hu: number;
  /** Wall attenuation of an occlusive thrombus (rim enhancement). */
  rimHu: number;
  /** Largest vein-radius factor, reached mid-thrombus. */
  maxDistension: number;
  /** Partial thrombi: thrombus radius as a fraction of the (distended) lumen radius. */
  sizeFraction: number;
  /** Partial thrombi: 0 = central ("polo mint"), 1 = against the wall. */
  eccentricity: number;
  angle: number;
  angleDrift: number;
  aspect: number;
  /** Perivenous oedema: attenuation the surrounding fat is raised to, or null for none. */
  oedemaHu: number | null;
}

export interface MimicPlan {
  id: string;
  kind: MimicKind;
  side: Side;
  group: 'trunk' | 'profunda';
  first: number;
  last: number;
  hu: number;
  /** Mixing artefact: core radius as a fraction of the lumen; node: largest radius (mm). */
  size: number;
  angle: number;
  aspect: number;
  /** Mixing artefact: centre offset as a fraction of the lumen radius. Node: gap to the vein wall (mm). */
  offset: number;
  fattyHilum: boolean;
}

export interface LesionPlan {
  thrombi: ThrombusPlan[];
  mimics: MimicPlan[];
}

type Site = 'iliac' | 'common_femoral' | 'femoral' | 'deep_femoral';

const SITE_SEGMENTS: Record<Site, readonly VeinSegment[]> = {
  iliac: ['common_iliac', 'external_iliac'],
  common_femoral: ['common_femoral'],
  femoral: ['femoral'],
  deep_femoral: ['deep_femoral'],
};

function pickSite(rng: Prng): Site {
  const r = rng.next();
  if (r < 0.35) return 'iliac';
  if (r < 0.6) return 'common_femoral';
  if (r < 0.9) return 'femoral';
  return 'deep_femoral';
}

/** Slice indices (ascending) where the labelled vein of `side`/`group` exists, with its segment. */
function veinSlices(
  sections: readonly VesselSection[][],
  side: Side,
  group: VesselGroup,
): Map<number, VeinSegment> {
  const out = new Map<number, VeinSegment>();
  sections.forEach((slice, index) => {
    for (const s of slice) {
      if (s.side === side && s.group === group && s.kind === 'vein' && s.segment) out.set(index, s.segment);
    }
  });
  return out;
}

/** The contiguous run of indices in `present` that contains `index`. */
function runAround(present: ReadonlyMap<number, unknown>, index: number): [number, number] {
  let lo = index;
  let hi = index;
  while (present.has(lo - 1)) lo--;
  while (present.has(hi + 1)) hi++;
  return [lo, hi];
}

function planThrombus(
  rng: Prng,
  sections: readonly VesselSection[][],
  id: string,
  side: Side,
  avoid: readonly ThrombusPlan[],
): ThrombusPlan | null {
  for (let attempt = 0; attempt < 12; attempt++) {
    const site = attempt < 8 ? pickSite(rng) : 'femoral';
    const group = site === 'deep_femoral' ? 'profunda' : 'trunk';
    const present = veinSlices(sections, side, group);
    const siteSlices = [...present].filter(([, seg]) => SITE_SEGMENTS[site].includes(seg)).map(([i]) => i);
    if (siteSlices.length === 0) continue;
    const centre = rng.pick(siteSlices);
    const [lo, hi] = runAround(present, centre);
    const available = hi - lo + 1;
    if (available < 3) continue;
    const length = Math.min(rng.int(3, 15), available);
    // Place the run uniformly among the positions that contain the chosen slice and stay inside the vein.
    const first = rng.int(Math.max(lo, centre - length + 1), Math.min(centre, hi - length + 1));
    const last = first + length - 1;
    const clash = avoid.some(
      (t) => t.side === side && t.group === group && first <= t.last + 1 && last >= t.first - 1,
    );
    if (clash) continue;
    const kind: ThrombusKind = rng.chance(0.45) ? 'occlusive' : 'partial';
    return {
      id,
      side,
      group,
      first,
      last,
      kind,
      hu: rng.uniform(25, 55),
      rimHu: rng.uniform(105, 145),
      maxDistension: kind === 'occlusive' ? rng.uniform(1.3, 1.8) : rng.uniform(1.05, 1.3),
      sizeFraction: rng.uniform(0.5, 0.72),
      eccentricity: rng.chance(0.25) ? rng.uniform(0, 0.2) : rng.uniform(0.6, 1),
      angle: rng.uniform(0, 2 * Math.PI),
      angleDrift: rng.uniform(-0.25, 0.25),
      aspect: rng.uniform(0.8, 1.25),
      oedemaHu: rng.chance(0.5) ? rng.uniform(-55, -10) : null,
    };
  }
  return null;
}

function nearThrombus(
  thrombi: readonly ThrombusPlan[],
  side: Side,
  group: string,
  first: number,
  last: number,
): boolean {
  return thrombi.some(
    (t) => t.side === side && t.group === group && first <= t.last + 1 && last >= t.first - 1,
  );
}

/**
 * Plans a patient's lesions. `confluences` are slice indices where tributaries join (mixing artefacts prefer them).
 */
export function planLesions(
  rng: Prng,
  sections: readonly VesselSection[][],
  hasDvt: boolean,
  confluences: readonly number[],
): LesionPlan {
  const thrombi: ThrombusPlan[] = [];
  if (hasDvt) {
    const side: Side = rng.chance(0.7) ? 'left' : 'right';
    const first = planThrombus(rng, sections, 'T1', side, thrombi);
    if (first) thrombi.push(first);
    if (rng.chance(0.25)) {
      const other: Side = rng.chance(0.5) ? side : side === 'left' ? 'right' : 'left';
      const second = planThrombus(rng, sections, 'T2', other, thrombi);
      if (second) thrombi.push(second);
    }
    if (thrombi.length === 0) throw new Error('could not place a thrombus: too few slices');
  }

  const mimics: MimicPlan[] = [];
  const used: { side: Side; group: string; first: number; last: number }[] = [];
  const mixingCount = rng.int(2, 4);
  for (
    let attempt = 0;
    attempt < 40 && mimics.filter((m) => m.kind === 'mixing_artifact').length < mixingCount;
    attempt++
  ) {
    const side: Side = rng.chance(0.5) ? 'left' : 'right';
    const group = rng.chance(0.8) ? 'trunk' : 'profunda';
    const present = [...veinSlices(sections, side, group).keys()];
    if (present.length === 0) continue;
    const nearConfluence = confluences.filter((c) => present.includes(c));
    const index = nearConfluence.length > 0 && rng.chance(0.5) ? rng.pick(nearConfluence) : rng.pick(present);
    if (nearThrombus(thrombi, side, group, index, index)) continue;
    if (used.some((u) => u.side === side && u.group === group && Math.abs(u.first - index) <= 1)) continue;
    used.push({ side, group, first: index, last: index });
    mimics.push({
      id: `M${mimics.length + 1}`,
      kind: 'mixing_artifact',
      side,
      group,
      first: index,
      last: index,
      hu: rng.uniform(60, 110),
      size: rng.uniform(0.35, 0.6),
      angle: rng.uniform(0, 2 * Math.PI),
      aspect: rng.uniform(0.75, 1.3),
      offset: rng.uniform(0, 0.2),
      fattyHilum: false,
    });
  }

  const nodeCount = rng.int(1, 2);
  for (
    let attempt = 0;
    attempt < 40 && mimics.filter((m) => m.kind === 'lymph_node').length < nodeCount;
    attempt++
  ) {
    const side: Side = rng.chance(0.5) ? 'left' : 'right';
    const present = veinSlices(sections, side, 'trunk');
    const candidates = [...present].filter(([, seg]) => seg !== 'common_iliac').map(([i]) => i);
    if (candidates.length === 0) continue;
    const radius = rng.uniform(2.5, 7.5);
    const span = radius < 3.5 ? 1 : radius < 5.5 ? rng.int(1, 2) : rng.int(2, 3);
    const first = rng.pick(candidates);
    const last = Math.min(first + span - 1, Math.max(...candidates));
    mimics.push({
      id: `M${mimics.length + 1}`,
      kind: 'lymph_node',
      side,
      group: 'trunk',
      first,
      last,
      hu: rng.uniform(32, 58),
      size: radius,
      angle: rng.uniform(0, 2 * Math.PI),
      aspect: rng.uniform(0.6, 0.9),
      offset: rng.uniform(1.5, 4),
      fattyHilum: rng.chance(0.4),
    });
  }
  if (!mimics.some((m) => m.kind === 'mixing_artifact') || !mimics.some((m) => m.kind === 'lymph_node')) {
    throw new Error('could not place the mimics: too few slices');
  }
  return { thrombi, mimics };
}
