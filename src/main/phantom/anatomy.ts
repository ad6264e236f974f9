/**
 * Per-patient anatomy: body size, fat, bone and vessel dimensions, the depths of the landmarks and the tissue
 * attenuations, drawn from the ranges in shared/phantom/ANATOMY.md. Depth `d` is millimetres below the top of the scan
 * (the L5 level, just below the aortic and caval bifurcations); all other lengths are millimetres too.
 */
import { clamp } from './curves';
import type { Prng } from './prng';

/** Anatomical length the scan covers at scale 1: L5 to the lower third of the thigh, 60 slices × 5 mm. */
export const REFERENCE_RANGE_MM = 295;

export interface Levels {
  /** Common iliac artery bifurcation / vein confluence (end of the common iliac segment). */
  ciBif: number;
  /** Inguinal ligament: external iliac becomes common femoral. */
  inguinal: number;
  /** Centre of the femoral head sphere. */
  headCentre: number;
  /** Saphenofemoral junction. */
  sfj: number;
  /** Femoral bifurcation: common femoral becomes femoral + deep femoral. */
  femBif: number;
  /** Perineum: below it the thighs separate. */
  crotch: number;
  /** Lowest level of the deep femoral vessels. */
  pfEnd: number;
  /** Depth of the last slice. */
  range: number;
}

export interface TissueHu {
  fat: number;
  muscle: number;
  vein: number;
  artery: number;
  cortex: number;
  cancellous: number;
  /** Femoral shaft marrow (fatty in adults). */
  marrow: number;
  urine: number;
  softWall: number;
  /** Enhancing bowel wall (venous phase). */
  bowelWall: number;
}

export interface BowelLoop {
  /** Position within the abdominal cavity, each in −1..1 of its half-axes. */
  nx: number;
  ny: number;
  radius: number;
  dStart: number;
  dEnd: number;
  /** Content attenuation: gas, fluid or faecal mix. */
  contentHu: number;
  phase: number;
}

export interface AnatomyParams {
  /** Body frame size factor (1 = average adult). */
  scale: number;
  /** Subcutaneous fat thickness (mm). */
  fat: number;
  /** Skin half-width and half-depth of the abdomen/pelvis. */
  pelvisHalfWidth: number;
  pelvisHalfDepth: number;
  /** Femoral head centres: lateral distance from the midline and AP position. */
  hipSpan: number;
  hipY: number;
  headRadius: number;
  /** Skin radius of the proximal thigh and the thigh centres. */
  thighRadius: number;
  thighCx: number;
  thighCy: number;
  femurRadius: number;
  femurWall: number;
  /** Vessel calibre factor. */
  vesselScale: number;
  /** Per-side shift (mm) of the vessel paths, so the two sides are not mirror images. */
  vesselShift: { left: [number, number]; right: [number, number] };
  levels: Levels;
  hu: TissueHu;
  /** Soft-tissue quantum noise standard deviation (HU) after the reconstruction blur. */
  noiseSigma: number;
  /** Chance that an artery section shows a calcified plaque (older patients). */
  calcification: number;
  bladderRadius: number;
  /** Dense excreted contrast layering in the dependent bladder. */
  bladderContrast: boolean;
  bowel: BowelLoop[];
  /** Directions (radians) of the intermuscular fat septa of the thigh, in the side frame. */
  septa: number[];
}

/** Draws a patient's anatomy. `age` drives arterial calcification. */
export function drawAnatomy(rng: Prng, age: number): AnatomyParams {
  const scale = rng.uniform(0.88, 1.16);
  // Fat correlates with frame size but varies a lot between patients of the same size.
  const fat = clamp(8 + 55 * (scale - 0.88) + rng.uniform(-4, 10), 8, 35);
  const pelvisHalfWidth = 150 * scale + 0.6 * fat;
  const pelvisHalfDepth = 95 * scale + 0.5 * fat;
  const hipSpan = 85 * scale;
  // Thigh diameter about 125–205 mm proximally (ANATOMY.md: 120–180 typical, more in obesity).
  const thighRadius = 64 * scale + 0.8 * fat;
  const thighGap = rng.uniform(-12, 14); // negative: the thighs touch and flatten against each other
  const thighCx = Math.max(thighRadius + thighGap / 2, hipSpan + 4 * scale);

  const h = scale; // landmark depths scale with body size
  const jitter = (mm: number): number => rng.uniform(-mm, mm);
  const ciBif = (38 + jitter(6)) * h;
  const inguinal = (103 + jitter(5)) * h;
  const headCentre = inguinal + (22 + jitter(3)) * h;
  const sfj = headCentre + (20 + jitter(4)) * h;
  const femBif = sfj + (13 + jitter(4)) * h;
  const crotch = headCentre + (45 + jitter(5)) * h;
  const pfEnd = femBif + (85 + jitter(12)) * h;

  const vein = rng.uniform(130, 168);
  const artery = clamp(vein + rng.uniform(-10, 14), 120, 180);

  const bowel: BowelLoop[] = [];
  // Small bowel and colon fill most of the abdominal cavity at L5 and thin out into the pelvis.
  const loops = rng.int(18, 26);
  for (let i = 0; i < loops; i++) {
    const dStart = rng.uniform(-70, inguinal - 30 * h);
    const roll = rng.next();
    bowel.push({
      nx: rng.uniform(-0.8, 0.8),
      ny: rng.uniform(-0.75, 0.45),
      radius: rng.uniform(10, 21) * scale,
      dStart,
      // Few loops reach below the pelvic inlet, where the bladder and rectum take over.
      dEnd: Math.min(dStart + rng.uniform(45, 100), inguinal - rng.uniform(0, 25) * h),
      contentHu: roll < 0.2 ? -950 : roll < 0.75 ? rng.uniform(5, 30) : rng.uniform(-60, 20),
      phase: rng.uniform(0, 2 * Math.PI),
    });
  }

  const baseSepta = [0.35, 1.45, 2.35, 3.55, 4.7];
  return {
    scale,
    fat,
    pelvisHalfWidth,
    pelvisHalfDepth,
    hipSpan,
    hipY: -4 * scale,
    headRadius: rng.uniform(22, 25) * scale,
    thighRadius,
    thighCx,
    thighCy: 8 * scale,
    femurRadius: rng.uniform(12.5, 15) * scale,
    femurWall: rng.uniform(3.5, 6),
    vesselScale: rng.uniform(0.92, 1.1) * Math.sqrt(scale),
    vesselShift: {
      left: [jitter(3), jitter(3)],
      right: [jitter(3), jitter(3)],
    },
    levels: {
      ciBif,
      inguinal,
      headCentre,
      sfj,
      femBif,
      crotch,
      pfEnd,
      range: REFERENCE_RANGE_MM * h,
    },
    hu: {
      fat: rng.uniform(-112, -88),
      muscle: rng.uniform(44, 56),
      vein,
      artery,
      cortex: rng.uniform(950, 1350),
      cancellous: rng.uniform(180, 300),
      marrow: rng.uniform(-30, 60),
      urine: rng.uniform(3, 16),
      softWall: rng.uniform(35, 50),
      bowelWall: rng.uniform(60, 85),
    },
    // Larger patients attenuate more, so their images are noisier.
    noiseSigma: clamp(10 + 22 * (scale - 0.88) + fat * 0.12 + rng.uniform(-1, 1), 10, 20),
    calcification: age > 60 ? rng.uniform(0.05, 0.3) : 0,
    bladderRadius: rng.uniform(24, 42) * scale,
    bladderContrast: rng.chance(0.3),
    bowel,
    septa: baseSepta.map((a) => a + rng.uniform(-0.2, 0.2)),
  };
}
