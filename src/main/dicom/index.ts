// Public API of the DICOM layer: parse a file, decode its frames, convert to modality values.
export { DicomError } from './errors';
export type { DicomHeader, ParsedDicom, StoredPixels } from './types';
export { parseDicom, type ParseOptions } from './parse';
export { toModalityValues, toModalityValuesInto } from './modality';
export { describeHeader } from './describe';
