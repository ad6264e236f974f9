// DICOM SR exchange: readers' boxes as TID 1500 measurement reports, written per reader and series, and
// read back into an ImportBatch. Only dcmjsSr.ts touches dcmjs.
export { COMPREHENSIVE_SR_STORAGE, newUid, writeSeriesSr, type SrWriteOptions } from './writeSr';
export { readSr } from './readSr';
