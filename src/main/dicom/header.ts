import type { RawDataset } from './daikonAdapter';
import type { DicomHeader } from './types';
import { ValueReader, tag } from './values';

export const PIXEL_DATA = tag(0x7fe0, 0x0010);

const int = (v: number | null): number | null => (v === null ? null : Math.trunc(v));

/** Builds the header from the top-level elements. Missing fields get neutral defaults. */
export function readHeader(ds: RawDataset, transferSyntaxUid: string | null): DicomHeader {
  const r = new ValueReader(ds);
  const s = (g: number, e: number): string => r.string(tag(g, e));
  const us = (g: number, e: number, fallback: number): number => r.unsigned(tag(g, e)) ?? fallback;
  const ds1 = (g: number, e: number): number | null => r.decimal(tag(g, e));
  const samplesPerPixel = us(0x0028, 0x0002, 1);
  const bitsAllocated = us(0x0028, 0x0100, 0);
  const bitsStored = us(0x0028, 0x0101, bitsAllocated);
  const frames = int(ds1(0x0028, 0x0008));
  return {
    transferSyntaxUid,
    sopClassUid: s(0x0008, 0x0016),
    sopInstanceUid: s(0x0008, 0x0018),
    studyInstanceUid: s(0x0020, 0x000d),
    seriesInstanceUid: s(0x0020, 0x000e),
    frameOfReferenceUid: r.optionalString(tag(0x0020, 0x0052)),
    patientId: s(0x0010, 0x0020),
    patientName: s(0x0010, 0x0010),
    patientBirthDate: s(0x0010, 0x0030),
    patientSex: s(0x0010, 0x0040),
    studyDate: s(0x0008, 0x0020),
    studyTime: s(0x0008, 0x0030),
    studyDescription: s(0x0008, 0x1030),
    accessionNumber: s(0x0008, 0x0050),
    seriesDescription: s(0x0008, 0x103e),
    seriesNumber: int(ds1(0x0020, 0x0011)),
    modality: s(0x0008, 0x0060),
    instanceNumber: int(ds1(0x0020, 0x0013)),
    imagePositionPatient: r.decimalTuple(tag(0x0020, 0x0032), 3) as DicomHeader['imagePositionPatient'],
    imageOrientationPatient: r.decimalTuple(tag(0x0020, 0x0037), 6) as DicomHeader['imageOrientationPatient'],
    pixelSpacing: r.decimalTuple(tag(0x0028, 0x0030), 2) as DicomHeader['pixelSpacing'],
    sliceThickness: ds1(0x0018, 0x0050),
    rows: us(0x0028, 0x0010, 0),
    columns: us(0x0028, 0x0011, 0),
    numberOfFrames: frames !== null && frames > 0 ? frames : 1,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit: us(0x0028, 0x0102, bitsStored > 0 ? bitsStored - 1 : 0),
    pixelRepresentation: us(0x0028, 0x0103, 0),
    photometricInterpretation: s(0x0028, 0x0004),
    planarConfiguration: samplesPerPixel > 1 ? us(0x0028, 0x0006, 0) : 0,
    rescaleSlope: ds1(0x0028, 0x1053) ?? 1,
    rescaleIntercept: ds1(0x0028, 0x1052) ?? 0,
    windowCenter: ds1(0x0028, 0x1050),
    windowWidth: ds1(0x0028, 0x1051),
    hasPixelData: (r.element(PIXEL_DATA)?.valueLength ?? 0) > 0,
  };
}
