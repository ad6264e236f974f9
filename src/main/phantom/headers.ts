/**
 * Header values for a synthetic patient's series: demographics and geometry from the patient model, plausible
 * acquisition parameters for a venous-phase lower-extremity CTA, and "SYNTHETIC" wherever a person would look.
 */
import type { CtSeriesHeader, CtSliceHeader } from './ctHeader';
import { IMAGE_SIZE, instanceNumber, SLICE_SPACING_MM, sliceZ, type PatientModel } from './patient';
import { BITS_STORED, RESCALE_INTERCEPT, RESCALE_SLOPE } from './quantize';

export const SYNTHETIC_DESCRIPTION = 'SYNTHETIC LECTA phantom';
/** The paper's vessel window. */
export const WINDOW_CENTER = 140;
export const WINDOW_WIDTH = 400;
/** Images are acquired about 4 minutes after the contrast injection. */
const DELAY_S = 240;
const SECONDS_PER_SLICE = 0.25;

export function seriesHeader(model: PatientModel): CtSeriesHeader {
  const s = model.anatomy.scale;
  return {
    patientName: model.patientName,
    patientId: model.patientId,
    patientBirthDate: model.birthDate,
    patientSex: model.sex,
    patientAge: `${String(model.age).padStart(3, '0')}Y`,
    patientWeightKg: model.weightKg,
    patientSizeM: model.heightM,
    studyInstanceUid: model.studyUid,
    studyDate: model.studyDate,
    studyTime: model.studyTime,
    studyId: model.code,
    accessionNumber: model.accessionNumber,
    studyDescription: `${SYNTHETIC_DESCRIPTION} CTA LOWER EXTREMITY`,
    seriesInstanceUid: model.seriesUid,
    seriesNumber: 2,
    seriesDescription: `${SYNTHETIC_DESCRIPTION} venous 5mm`,
    patientPosition: model.position,
    frameOfReferenceUid: model.frameOfReferenceUid,
    manufacturer: 'DVT Workstation',
    manufacturerModelName: 'SYNTHETIC LECTA phantom',
    institutionName: 'SYNTHETIC',
    softwareVersions: 'dvt-phantom 1',
    imageComments: 'SYNTHETIC phantom image, not patient data',
    rows: IMAGE_SIZE,
    columns: IMAGE_SIZE,
    pixelSpacingMm: model.mapping.spacing,
    sliceThicknessMm: SLICE_SPACING_MM,
    spacingBetweenSlicesMm: SLICE_SPACING_MM,
    reconstructionDiameterMm: model.fovMm,
    kvp: s > 1.05 ? 120 : 100,
    tubeCurrentMa: Math.round(180 * s * s),
    exposureTimeMs: 500,
    exposureMas: Math.round(90 * s * s),
    convolutionKernel: 'B30f',
    tableHeightMm: Math.round(150 + model.originY / 10),
    contrastAgent: 'Iohexol 350',
    contrastVolumeMl: Math.round(model.weightKg * 2),
    windowCenter: WINDOW_CENTER,
    windowWidth: WINDOW_WIDTH,
    rescaleIntercept: RESCALE_INTERCEPT,
    rescaleSlope: RESCALE_SLOPE,
    bitsStored: BITS_STORED,
  };
}

function tmPlusSeconds(tm: string, seconds: number): string {
  const base = Number(tm.slice(0, 2)) * 3600 + Number(tm.slice(2, 4)) * 60 + Number(tm.slice(4, 6));
  // Work in hundredths of a second so rounding can never produce a fraction of "100".
  const hundredths = Math.round((base + seconds) * 100) % 8_640_000;
  const whole = Math.floor(hundredths / 100);
  const hh = String(Math.floor(whole / 3600)).padStart(2, '0');
  const mm = String(Math.floor((whole % 3600) / 60)).padStart(2, '0');
  const ss = String(whole % 60).padStart(2, '0');
  const frac = String(hundredths % 100).padStart(2, '0');
  return `${hh}${mm}${ss}.${frac}`;
}

/** Per-slice header of slice `index` (anatomical order). */
export function sliceHeader(model: PatientModel, index: number): CtSliceHeader {
  const instance = instanceNumber(model, index);
  return {
    sopInstanceUid: model.sopUids[index] ?? '',
    instanceNumber: instance,
    position: [model.originX, model.originY, sliceZ(model, index)],
    acquisitionTime: tmPlusSeconds(model.studyTime, DELAY_S + (instance - 1) * SECONDS_PER_SLICE),
  };
}
