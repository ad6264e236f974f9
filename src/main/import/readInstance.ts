import { DicomError, parseDicom, type DicomHeader, type StoredPixels } from '../dicom';

/** What the catalog needs of one DICOM file, or why the file cannot be imported. */
export type ReadInstance =
  { ok: true; header: DicomHeader; huMin: number; huMax: number } | { ok: false; reason: string };

const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;

function checkUid(name: string, value: string): string | null {
  if (value.trim() === '') return `empty ${name}`;
  if (value.length > 64 || !UID_PATTERN.test(value)) return `invalid ${name} "${value.slice(0, 80)}"`;
  return null;
}

function storedRange(pixels: StoredPixels): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Parses a file's header and decodes its pixels once, to prove they decode and to measure the HU
 * range. Only single-frame greyscale images with pixel data make a slice.
 */
export function readInstance(bytes: Uint8Array): ReadInstance {
  let header: DicomHeader;
  try {
    const parsed = parseDicom(bytes);
    header = parsed.header;
    for (const [name, value] of [
      ['SOPInstanceUID', header.sopInstanceUid],
      ['SeriesInstanceUID', header.seriesInstanceUid],
      ['StudyInstanceUID', header.studyInstanceUid],
    ] as const) {
      const problem = checkUid(name, value);
      if (problem) return { ok: false, reason: problem };
    }
    if (!header.hasPixelData) {
      return {
        ok: false,
        reason: `no pixel data (SOP class ${header.sopClassUid || 'unknown'}, modality ${header.modality || 'unknown'})`,
      };
    }
    if (header.numberOfFrames > 1) {
      return {
        ok: false,
        reason: `multi-frame image (${header.numberOfFrames} frames): only single-frame slices are imported`,
      };
    }
    if (header.samplesPerPixel !== 1) {
      return {
        ok: false,
        reason: `colour image (${header.photometricInterpretation}, ${header.samplesPerPixel} samples per pixel): not a greyscale slice`,
      };
    }
    if (header.rows <= 0 || header.columns <= 0) return { ok: false, reason: 'image has no rows or columns' };
    const [lo, hi] = storedRange(parsed.decodeFrame(0));
    const a = lo * header.rescaleSlope + header.rescaleIntercept;
    const b = hi * header.rescaleSlope + header.rescaleIntercept;
    return { ok: true, header, huMin: Math.min(a, b), huMax: Math.max(a, b) };
  } catch (e) {
    if (e instanceof DicomError) return { ok: false, reason: e.message };
    return { ok: false, reason: `could not read: ${e instanceof Error ? e.message : String(e)}` };
  }
}
