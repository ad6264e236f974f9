/**
 * Everything decided about one synthetic patient before any pixel is drawn: demographics, acquisition geometry,
 * anatomy, vessel layout per slice and the planned lesions. All of it comes from the cohort seed and the patient's
 * index, so patients do not depend on each other.
 */
import { drawAnatomy, type AnatomyParams } from './anatomy';
import { planLesions, type LesionPlan } from './lesions';
import { deriveSeed, Prng } from './prng';
import type { PixelMapping } from './render';
import { uuidUid } from './uid';
import { buildVesselPaths, vesselSections, type VesselSection } from './vessels';

export const IMAGE_SIZE = 512;
export const SLICE_SPACING_MM = 5;
/** The paper's range of pixel spacings: FOV 356–500 mm over 512 pixels. */
export const MIN_FOV_MM = 356;
export const MAX_FOV_MM = 500;

export type PatientPosition = 'HFS' | 'FFS';

export interface PatientModel {
  /** 0-based position in the cohort. */
  index: number;
  /** "P001" … : folder name and the suffix of the patient name. */
  code: string;
  patientId: string;
  patientName: string;
  sex: 'M' | 'F';
  age: number;
  /** DICOM DA strings (YYYYMMDD) and TM (HHMMSS). */
  birthDate: string;
  studyDate: string;
  studyTime: string;
  accessionNumber: string;
  weightKg: number;
  heightM: number;
  position: PatientPosition;
  hasDvt: boolean;
  studyUid: string;
  seriesUid: string;
  frameOfReferenceUid: string;
  /** SOP Instance UIDs by anatomical index. */
  sopUids: string[];
  fovMm: number;
  mapping: PixelMapping;
  /** ImagePositionPatient x, y of the first pixel's centre (mm). */
  originX: number;
  originY: number;
  /** z of the most cranial slice; slice i is at zTop − 5 i. */
  zTop: number;
  sliceCount: number;
  /** Anatomical depth (mm below L5) of each slice. */
  depths: number[];
  anatomy: AnatomyParams;
  sections: VesselSection[][];
  plan: LesionPlan;
}

export interface PatientRequest {
  cohortSeed: number;
  index: number;
  hasDvt: boolean;
  position: PatientPosition;
  sliceCount: number;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function daString(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1, 2)}${pad(date.getUTCDate(), 2)}`;
}

export function planPatient(req: PatientRequest): PatientModel {
  const { cohortSeed, index, hasDvt, position, sliceCount } = req;
  const rng = new Prng(deriveSeed(cohortSeed, 'patient', index));
  const uidRng = new Prng(deriveSeed(cohortSeed, 'uid', index));
  const code = `P${pad(index + 1, 3)}`;

  const sex = rng.chance(0.5) ? 'M' : 'F';
  const age = rng.int(24, 88);
  const studyMs = Date.UTC(2024, 0, 1) + rng.int(0, 729) * 86_400_000;
  const study = new Date(studyMs);
  const birth = new Date(Date.UTC(study.getUTCFullYear() - age, rng.int(0, 11), rng.int(1, 28)));
  // Keep the stated age consistent with the birthday.
  const hadBirthday =
    study.getUTCMonth() > birth.getUTCMonth() ||
    (study.getUTCMonth() === birth.getUTCMonth() && study.getUTCDate() >= birth.getUTCDate());
  const exactAge = hadBirthday ? age : age - 1;
  const studyTime = `${pad(rng.int(7, 21), 2)}${pad(rng.int(0, 59), 2)}${pad(rng.int(0, 59), 2)}`;

  const anatomy = drawAnatomy(rng, exactAge);
  const s = anatomy.scale;
  // Widest of the pelvis and the two thighs; the scanner's FOV is chosen to fit it with a margin.
  const halfWidth = Math.max(anatomy.pelvisHalfWidth, anatomy.thighCx + anatomy.thighRadius);
  const fovMm = Math.min(
    MAX_FOV_MM,
    Math.max(MIN_FOV_MM, Math.round(2 * halfWidth * rng.uniform(1.1, 1.28))),
  );
  const spacing = fovMm / IMAGE_SIZE;
  // Patient slightly off the reconstruction centre, as on a real table.
  const offsetX = rng.uniform(-8, 8);
  const offsetY = rng.uniform(-12, 6);
  const mapping: PixelMapping = {
    spacing,
    centreX: IMAGE_SIZE / 2 + offsetX / spacing,
    centreY: IMAGE_SIZE / 2 + offsetY / spacing,
  };
  // Patient coordinates of the body centre: near the isocentre, table height varying.
  const bodyX = rng.uniform(-5, 5);
  const bodyY = rng.uniform(-30, 30);
  const originX = bodyX - (mapping.centreX - 0.5) * spacing;
  const originY = bodyY - (mapping.centreY - 0.5) * spacing;
  const zTop = Math.round(rng.uniform(-180, 60) * 2) / 2;

  const range = anatomy.levels.range;
  const depths = Array.from({ length: sliceCount }, (_, i) =>
    sliceCount > 1 ? (i * range) / (sliceCount - 1) : 0,
  );
  const paths = buildVesselPaths(anatomy);
  const sections = depths.map((d) => vesselSections(anatomy, paths, d));
  const nearestSlice = (d: number): number => Math.round((d / range) * (sliceCount - 1));
  const L = anatomy.levels;
  const confluences = [L.ciBif, L.sfj, L.femBif].map(nearestSlice);
  const plan = planLesions(rng, sections, hasDvt, confluences);

  const studyUid = uuidUid(uidRng);
  const seriesUid = uuidUid(uidRng);
  const frameOfReferenceUid = uuidUid(uidRng);
  const sopUids = depths.map(() => uuidUid(uidRng));

  return {
    index,
    code,
    patientId: `PHANTOM-S${cohortSeed}-${code}`,
    patientName: `PHANTOM^${code}`,
    sex,
    age: exactAge,
    birthDate: daString(birth),
    studyDate: daString(study),
    studyTime,
    accessionNumber: `SYN${pad(deriveSeed(cohortSeed, 'accession', index) % 10_000_000, 7)}`,
    weightKg: Math.round(72 * s * s * (1 + (anatomy.fat - 18) / 60)),
    heightM: Math.round(170 * Math.sqrt(s) * (sex === 'M' ? 1.03 : 0.96)) / 100,
    position,
    hasDvt,
    studyUid,
    seriesUid,
    frameOfReferenceUid,
    sopUids,
    fovMm,
    mapping,
    originX,
    originY,
    zTop,
    sliceCount,
    depths,
    anatomy,
    sections,
    plan,
  };
}

/** z of slice `index` (anatomical order): 5 mm steps downwards. */
export function sliceZ(model: PatientModel, index: number): number {
  return model.zTop - SLICE_SPACING_MM * index;
}

/** InstanceNumber: acquisition order, which runs caudal to cranial for feet-first patients. */
export function instanceNumber(model: PatientModel, index: number): number {
  return model.position === 'HFS' ? index + 1 : model.sliceCount - index;
}
