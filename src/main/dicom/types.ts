/** Header fields the workstation uses, decoded from the top level of the dataset. */
export interface DicomHeader {
  transferSyntaxUid: string | null;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string | null;
  patientId: string;
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  accessionNumber: string;
  seriesDescription: string;
  seriesNumber: number | null;
  modality: string;
  instanceNumber: number | null;
  imagePositionPatient: [number, number, number] | null;
  imageOrientationPatient: [number, number, number, number, number, number] | null;
  /** [row spacing, column spacing] in mm, as in the DICOM tag. */
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  rows: number;
  columns: number;
  numberOfFrames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  photometricInterpretation: string;
  planarConfiguration: number;
  /** 1 when absent. */
  rescaleSlope: number;
  /** 0 when absent. */
  rescaleIntercept: number;
  windowCenter: number | null;
  windowWidth: number | null;
  hasPixelData: boolean;
}

/** Stored pixel values of one frame, before rescale, samples interleaved. */
export type StoredPixels = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface ParsedDicom {
  readonly header: DicomHeader;
  /**
   * Stored pixel values of one frame (before rescale), samples interleaved, as the natural typed array
   * (Uint8Array with 0/1 per pixel for 1-bit data). Throws DicomError naming the transfer syntax when
   * the frame cannot be decoded.
   */
  decodeFrame(frame?: number): StoredPixels;
}
