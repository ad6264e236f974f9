/**
 * The only place that touches dcmjs: turns a CT series header plus per-slice fields and 16-bit pixels into DICOM
 * Part 10 bytes (CT Image Storage, explicit VR little endian). The series dataset is denaturalised once; each slice
 * only swaps its own elements before writing.
 *
 * Pixel Data is appended here rather than by dcmjs: dcmjs's write stream grows in 4 KiB blocks searched linearly,
 * which made a 512 KiB slice cost ~11 ms, most of the generation time. Pixel Data (7FE0,0010) has the highest tag in
 * the dataset, so dcmjs writes every other element in order and the pixel element goes last, as the standard requires.
 */
import dcmjs, { type DcmjsElements } from 'dcmjs';
import {
  PHANTOM_IMPLEMENTATION_CLASS_UID,
  PHANTOM_IMPLEMENTATION_VERSION,
  type CtSeriesHeader,
  type CtSliceHeader,
} from './ctHeader';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

const TAG = {
  mediaStorageSopInstanceUid: '00020003',
  sopInstanceUid: '00080018',
  acquisitionTime: '00080032',
  contentTime: '00080033',
  instanceNumber: '00200013',
  imagePositionPatient: '00200032',
  sliceLocation: '00201041',
} as const;

/** Explicit VR little endian element header of Pixel Data: tag (7FE0,0010), VR "OW", 2 reserved bytes, 32-bit length. */
function pixelDataHeader(byteLength: number): Uint8Array {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  header[4] = 0x4f; // 'O'
  header[5] = 0x57; // 'W'
  view.setUint32(8, byteLength, true);
  return header;
}

/** Pixels in little-endian byte order (the transfer syntax's), without copying on little-endian hosts. */
function littleEndianBytes(pixels: Uint16Array): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) {
    return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  }
  const out = new Uint8Array(pixels.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < pixels.length; i++) view.setUint16(i * 2, pixels[i] as number, true);
  return out;
}

/** DS values: at most 16 characters, no exponent. */
export function formatDs(value: number): string {
  for (let digits = 6; digits >= 0; digits--) {
    const text = String(Number(value.toFixed(digits)));
    if (text.length <= 16 && !text.includes('e')) return text;
  }
  throw new Error(`cannot format ${value} as a DICOM DS`);
}

function seriesDataset(h: CtSeriesHeader): Record<string, unknown> {
  const ds = (v: number): string => formatDs(v);
  return {
    SpecificCharacterSet: 'ISO_IR 100',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    SOPClassUID: CT_IMAGE_STORAGE,
    SOPInstanceUID: '',
    StudyDate: h.studyDate,
    SeriesDate: h.studyDate,
    AcquisitionDate: h.studyDate,
    ContentDate: h.studyDate,
    StudyTime: h.studyTime,
    SeriesTime: h.studyTime,
    AcquisitionTime: h.studyTime,
    ContentTime: h.studyTime,
    AccessionNumber: h.accessionNumber,
    Modality: 'CT',
    Manufacturer: h.manufacturer,
    InstitutionName: h.institutionName,
    ReferringPhysicianName: '',
    StudyDescription: h.studyDescription,
    SeriesDescription: h.seriesDescription,
    ManufacturerModelName: h.manufacturerModelName,
    PatientName: h.patientName,
    PatientID: h.patientId,
    PatientBirthDate: h.patientBirthDate,
    PatientSex: h.patientSex,
    PatientAge: h.patientAge,
    PatientSize: ds(h.patientSizeM),
    PatientWeight: ds(h.patientWeightKg),
    ContrastBolusAgent: h.contrastAgent,
    ContrastBolusRoute: 'IV',
    ContrastBolusVolume: ds(h.contrastVolumeMl),
    SliceThickness: ds(h.sliceThicknessMm),
    KVP: ds(h.kvp),
    SpacingBetweenSlices: ds(h.spacingBetweenSlicesMm),
    SoftwareVersions: h.softwareVersions,
    ReconstructionDiameter: ds(h.reconstructionDiameterMm),
    GantryDetectorTilt: '0',
    TableHeight: ds(h.tableHeightMm),
    ExposureTime: String(Math.round(h.exposureTimeMs)),
    XRayTubeCurrent: String(Math.round(h.tubeCurrentMa)),
    Exposure: String(Math.round(h.exposureMas)),
    ConvolutionKernel: h.convolutionKernel,
    PatientPosition: h.patientPosition,
    StudyInstanceUID: h.studyInstanceUid,
    SeriesInstanceUID: h.seriesInstanceUid,
    StudyID: h.studyId,
    SeriesNumber: String(h.seriesNumber),
    AcquisitionNumber: '1',
    InstanceNumber: '1',
    ImagePositionPatient: ['0', '0', '0'],
    ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
    FrameOfReferenceUID: h.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    SliceLocation: '0',
    ImageComments: h.imageComments,
    // Both legs are in every image; General Series Laterality (R or L only) is then not required.
    ImageLaterality: 'B',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: h.rows,
    Columns: h.columns,
    PixelSpacing: [ds(h.pixelSpacingMm), ds(h.pixelSpacingMm)],
    BitsAllocated: 16,
    BitsStored: h.bitsStored,
    HighBit: h.bitsStored - 1,
    PixelRepresentation: 0,
    WindowCenter: ds(h.windowCenter),
    WindowWidth: ds(h.windowWidth),
    RescaleIntercept: ds(h.rescaleIntercept),
    RescaleSlope: ds(h.rescaleSlope),
    RescaleType: 'HU',
    WindowCenterWidthExplanation: 'DVT VENOUS',
  };
}

function element(elements: DcmjsElements, tag: string): { Value: unknown[] } {
  const el = elements[tag];
  if (!el) throw new Error(`series template lacks tag ${tag}`);
  return el;
}

export type CtSliceWriter = (slice: CtSliceHeader, pixels: Uint16Array) => Uint8Array;

/** Prepares a series once; the returned function writes one slice's Part 10 file content. */
export function createCtSeriesWriter(header: CtSeriesHeader): CtSliceWriter {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: CT_IMAGE_STORAGE,
    MediaStorageSOPInstanceUID: '',
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: PHANTOM_IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: PHANTOM_IMPLEMENTATION_VERSION,
  });
  const dict = DicomMetaDictionary.denaturalizeDataset(seriesDataset(header));
  const file = new DicomDict(meta);
  file.dict = dict;
  const expectedLength = header.rows * header.columns;

  return (slice, pixels) => {
    if (pixels.length !== expectedLength) throw new Error('pixel buffer does not match the series size');
    element(meta, TAG.mediaStorageSopInstanceUid).Value = [slice.sopInstanceUid];
    element(dict, TAG.sopInstanceUid).Value = [slice.sopInstanceUid];
    element(dict, TAG.instanceNumber).Value = [String(slice.instanceNumber)];
    element(dict, TAG.imagePositionPatient).Value = slice.position.map(formatDs);
    element(dict, TAG.sliceLocation).Value = [formatDs(slice.position[2])];
    element(dict, TAG.acquisitionTime).Value = [slice.acquisitionTime];
    element(dict, TAG.contentTime).Value = [slice.acquisitionTime];
    const head = new Uint8Array(file.write());
    const pixelBytes = littleEndianBytes(pixels);
    const out = new Uint8Array(head.length + 12 + pixelBytes.length);
    out.set(head, 0);
    out.set(pixelDataHeader(pixelBytes.length), head.length);
    out.set(pixelBytes, head.length + 12);
    return out;
  };
}
