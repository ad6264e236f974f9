/**
 * The DICOM header content of a synthetic CT series, as our own types: the DICOM writer maps these onto attributes.
 * Values that must stay byte-identical for a seed (dates, UIDs) come from the patient model, never from the clock.
 */

export interface CtSeriesHeader {
  patientName: string;
  patientId: string;
  /** DA, YYYYMMDD. */
  patientBirthDate: string;
  patientSex: 'M' | 'F';
  /** AS, e.g. "054Y". */
  patientAge: string;
  patientWeightKg: number;
  patientSizeM: number;
  studyInstanceUid: string;
  studyDate: string;
  /** TM, HHMMSS. */
  studyTime: string;
  studyId: string;
  accessionNumber: string;
  studyDescription: string;
  seriesInstanceUid: string;
  seriesNumber: number;
  seriesDescription: string;
  patientPosition: 'HFS' | 'FFS';
  frameOfReferenceUid: string;
  manufacturer: string;
  manufacturerModelName: string;
  institutionName: string;
  softwareVersions: string;
  imageComments: string;
  rows: number;
  columns: number;
  pixelSpacingMm: number;
  sliceThicknessMm: number;
  spacingBetweenSlicesMm: number;
  reconstructionDiameterMm: number;
  kvp: number;
  tubeCurrentMa: number;
  exposureTimeMs: number;
  exposureMas: number;
  convolutionKernel: string;
  tableHeightMm: number;
  contrastAgent: string;
  contrastVolumeMl: number;
  windowCenter: number;
  windowWidth: number;
  rescaleIntercept: number;
  rescaleSlope: number;
  bitsStored: number;
}

export interface CtSliceHeader {
  sopInstanceUid: string;
  instanceNumber: number;
  /** ImagePositionPatient: centre of the first pixel (mm). */
  position: [number, number, number];
  /** TM of this image's acquisition. */
  acquisitionTime: string;
}

/** Fixed so the same seed gives the same bytes; identifies files written by this generator. */
export const PHANTOM_IMPLEMENTATION_CLASS_UID = '2.25.160591849737312145476939021785410927491';
export const PHANTOM_IMPLEMENTATION_VERSION = 'DVTWS_PHANTOM_1';
