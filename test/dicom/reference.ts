// Shared by the parity tests: runs pydicom_reference.py and compares our decoding with its output.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { parseDicom, type DicomHeader, type StoredPixels } from '../../src/main/dicom';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'pydicom_reference.py');

export interface Reference {
  file: string;
  ok: boolean;
  error?: string;
  dtype?: string;
  shape?: number[];
  frames?: string[];
  min?: number;
  max?: number;
  header?: Record<string, unknown>;
}

/** pydicom's test-file folder, or why the parity tests must skip (python3, pydicom or GDCM missing). */
export function pydicomEnvironment(): { skip: string } | { testFiles: string } {
  if (!existsSync(PYTHON)) return { skip: `${PYTHON} is missing` };
  try {
    const out = execFileSync(PYTHON, [SCRIPT, '--check'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const check = JSON.parse(out) as { testFiles: string; gdcm: string | null };
    // Without GDCM, pydicom decodes no JPEG, JPEG-LS or JPEG 2000 (or another plug-in does).
    if (check.gdcm === null)
      return { skip: `python3-gdcm (pydicom's GDCM pixel handler) is not importable by ${PYTHON}` };
    return { testFiles: check.testFiles };
  } catch {
    return { skip: `pydicom (with numpy) is not importable by ${PYTHON}` };
  }
}

export async function runReference(files: string[]): Promise<Map<string, Reference>> {
  const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, ...files], { maxBuffer: 1 << 28 });
  const refs = new Map<string, Reference>();
  for (const line of stdout.trim().split('\n')) {
    const ref = JSON.parse(line) as Reference;
    refs.set(ref.file, ref);
  }
  return refs;
}

export type Outcome =
  { ok: true; header: DicomHeader; frames: StoredPixels[] } | { ok: false; error: unknown };

export function decodeAll(file: string): Outcome {
  try {
    const parsed = parseDicom(readFileSync(file));
    const frames = Array.from({ length: parsed.header.numberOfFrames }, (_, i) => parsed.decodeFrame(i));
    return { ok: true, header: parsed.header, frames };
  } catch (error) {
    return { ok: false, error };
  }
}

const DTYPES: Record<string, string> = {
  u1: 'Uint8Array',
  i1: 'Int8Array',
  u2: 'Uint16Array',
  i2: 'Int16Array',
  u4: 'Uint32Array',
  i4: 'Int32Array',
};

const sha256 = (p: StoredPixels): string =>
  createHash('sha256')
    .update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength))
    .digest('hex');

/** Our header value for a pydicom keyword (absent string fields are '', rescale defaults 1/0). */
function ours(h: DicomHeader, keyword: string): unknown {
  const fields: Record<string, unknown> = {
    SOPInstanceUID: h.sopInstanceUid || null,
    SeriesInstanceUID: h.seriesInstanceUid || null,
    StudyInstanceUID: h.studyInstanceUid || null,
    PatientName: h.patientName || null,
    PatientID: h.patientId || null,
    Modality: h.modality || null,
    InstanceNumber: h.instanceNumber,
    SeriesNumber: h.seriesNumber,
    ImagePositionPatient: h.imagePositionPatient,
    ImageOrientationPatient: h.imageOrientationPatient,
    PixelSpacing: h.pixelSpacing,
    SliceThickness: h.sliceThickness,
    Rows: h.rows,
    Columns: h.columns,
    SamplesPerPixel: h.samplesPerPixel,
    BitsAllocated: h.bitsAllocated,
    BitsStored: h.bitsStored,
    PixelRepresentation: h.pixelRepresentation,
    PhotometricInterpretation: h.photometricInterpretation || null,
    RescaleSlope: h.rescaleSlope,
    RescaleIntercept: h.rescaleIntercept,
    WindowCenter: h.windowCenter,
    WindowWidth: h.windowWidth,
  };
  return fields[keyword];
}

function expected(keyword: string, value: unknown): unknown {
  if (value === null && keyword === 'RescaleSlope') return 1;
  if (value === null && keyword === 'RescaleIntercept') return 0;
  if ((keyword === 'WindowCenter' || keyword === 'WindowWidth') && Array.isArray(value))
    return value[0] as unknown;
  return value;
}

/** Same shape, type and values (frame by frame) as pydicom's pixel_array, and the same header. */
export function expectSameAsReference(outcome: Outcome, ref: Reference): void {
  if (!outcome.ok) throw new Error(`pydicom decodes this file but we do not: ${String(outcome.error)}`);
  const { header: h, frames } = outcome;
  const shape = [
    ...(h.numberOfFrames > 1 ? [h.numberOfFrames] : []),
    h.rows,
    h.columns,
    ...(h.samplesPerPixel > 1 ? [h.samplesPerPixel] : []),
  ];
  expect(shape, 'shape').toEqual(ref.shape);
  expect(frames[0]!.constructor.name, 'array type').toBe(DTYPES[ref.dtype!]);
  frames.forEach((frame, i) => {
    expect(frame).toHaveLength(h.rows * h.columns * h.samplesPerPixel);
    if (sha256(frame) !== ref.frames![i]) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of frame) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      expect.fail(`frame ${i} differs from pydicom (ours ${lo}..${hi}, pydicom ${ref.min}..${ref.max})`);
    }
  });
  for (const [keyword, value] of Object.entries(ref.header ?? {})) {
    expect(ours(h, keyword), keyword).toEqual(expected(keyword, value));
  }
}
