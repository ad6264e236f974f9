// Pixel parity with pydicom (+GDCM) on every file of pydicom's test corpus. Skips only when
// /usr/bin/python3 or pydicom is missing.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DicomError, parseDicom, type DicomHeader, type StoredPixels } from '../../src/main/dicom';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'pydicom_reference.py');

/**
 * Files pydicom decodes that we report as undecodable (DicomError naming the transfer syntax).
 * Keep this list short; every entry needs a reason.
 */
const KNOWN_UNDECODABLE: Record<string, string> = {
  // The J2K codestream was deliberately damaged (4 bytes overwritten with a sequence delimiter, see
  // pydicom's test-file README): its SIZ segment now asks for 4292730882 tiles. OpenJPEG, in GDCM as
  // in @cornerstonejs/codec-openjpeg, rejects the stream; pydicom's value comes from its Pillow
  // fallback, whose OpenJPEG build skips that check and returns noise.
  'JPEG2000-embedded-sequence-delimiter.dcm': 'corrupt JPEG 2000 codestream',
};

/** Files pydicom fails on that we decode; the test checks what we return instead. */
const DECODED_WHERE_PYDICOM_FAILS: Record<
  string,
  { reason: string; check: (pixels: StoredPixels, h: DicomHeader) => void }
> = {
  // Number of Frames is "1A" (not an integer string): pydicom's numpy handler crashes computing the
  // expected length (TypeError). We read the invalid value as absent, i.e. 1 frame, and decode it.
  'badVR.dcm': {
    reason: 'invalid Number of Frames',
    check: (pixels, h) => {
      expect(h.numberOfFrames).toBe(1);
      expect(pixels).toBeInstanceOf(Uint32Array);
      expect(pixels).toHaveLength(100);
    },
  },
};

interface Reference {
  file: string;
  ok: boolean;
  error?: string;
  dtype?: string;
  shape?: number[];
  frames?: string[];
  min?: number;
  max?: number;
  header?: Record<string, string | number | (string | number | null)[] | null>;
}

function environment(): { skip: string } | { folder: string } {
  if (!existsSync(PYTHON)) return { skip: `${PYTHON} is missing` };
  try {
    const out = execFileSync(PYTHON, [SCRIPT, '--check'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const folder = (JSON.parse(out) as { testFiles: string }).testFiles;
    return existsSync(folder) ? { folder } : { skip: `pydicom's test files are not at ${folder}` };
  } catch {
    return { skip: `pydicom (with numpy) is not importable by ${PYTHON}` };
  }
}

const env = environment();
const folder = 'folder' in env ? env.folder : '';
const walk = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
const files = folder ? walk(folder) : [];

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

type Outcome = { ok: true; header: DicomHeader; frames: StoredPixels[] } | { ok: false; error: unknown };

function decodeAll(file: string): Outcome {
  try {
    const parsed = parseDicom(readFileSync(file));
    const frames = Array.from({ length: parsed.header.numberOfFrames }, (_, i) => parsed.decodeFrame(i));
    return { ok: true, header: parsed.header, frames };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Our header value for a pydicom keyword, in the reference's JSON form. */
function ourHeaderValue(h: DicomHeader, keyword: string): unknown {
  const map: Record<string, unknown> = {
    SOPInstanceUID: h.sopInstanceUid,
    SeriesInstanceUID: h.seriesInstanceUid,
    StudyInstanceUID: h.studyInstanceUid,
    PatientName: h.patientName,
    PatientID: h.patientId,
    Modality: h.modality,
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
    PhotometricInterpretation: h.photometricInterpretation,
    RescaleSlope: h.rescaleSlope,
    RescaleIntercept: h.rescaleIntercept,
    WindowCenter: h.windowCenter,
    WindowWidth: h.windowWidth,
  };
  return map[keyword];
}

/** The reference header value as we expose it (first value of multi-valued windows, defaults). */
function expectedHeaderValue(keyword: string, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (keyword === 'RescaleSlope') return 1;
    if (keyword === 'RescaleIntercept') return 0;
    if (
      [
        'PatientName',
        'PatientID',
        'Modality',
        'SOPInstanceUID',
        'SeriesInstanceUID',
        'StudyInstanceUID',
        'PhotometricInterpretation',
      ].includes(keyword)
    )
      return '';
    return null;
  }
  if ((keyword === 'WindowCenter' || keyword === 'WindowWidth') && Array.isArray(value)) return value[0];
  return value;
}

describe.skipIf('skip' in env)(
  `pixel parity with pydicom${'skip' in env ? ` (skipped: ${env.skip})` : ''}`,
  () => {
    const refs = new Map<string, Reference>();

    beforeAll(async () => {
      const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, ...files], { maxBuffer: 1 << 28 });
      for (const line of stdout.trim().split('\n')) {
        const ref = JSON.parse(line) as Reference;
        refs.set(ref.file, ref);
      }
    });

    it('finds the corpus', () => {
      expect(files.length).toBeGreaterThan(50);
      for (const name of [...Object.keys(KNOWN_UNDECODABLE), ...Object.keys(DECODED_WHERE_PYDICOM_FAILS)]) {
        expect(existsSync(join(folder, name)), `${name} listed but not in the corpus`).toBe(true);
      }
    });

    it.each(files.map((f) => [relative(folder, f), f]))('%s', (name, file) => {
      const ref = refs.get(file);
      expect(ref, 'reference output').toBeDefined();
      const ours = decodeAll(file);
      if (!ours.ok && !(ours.error instanceof DicomError)) throw ours.error; // a crash, never acceptable

      if (name in KNOWN_UNDECODABLE) {
        expect(ours.ok, `${name} decodes now: remove it from KNOWN_UNDECODABLE`).toBe(false);
        const e = (ours as { error: DicomError }).error;
        expect(e.transferSyntaxUid).not.toBeNull();
        expect(e.message).toContain(e.transferSyntaxUid!);
        return;
      }
      const special = DECODED_WHERE_PYDICOM_FAILS[name];
      if (special) {
        expect(ref!.ok, `pydicom decodes ${name} now: remove it from DECODED_WHERE_PYDICOM_FAILS`).toBe(
          false,
        );
        expect(ours.ok).toBe(true);
        if (ours.ok) special.check(ours.frames[0]!, ours.header);
        return;
      }
      if (!ref!.ok) {
        expect(ours.ok, `pydicom fails (${ref!.error}) but we decode`).toBe(false);
        return;
      }
      if (!ours.ok)
        throw new Error(`pydicom decodes ${name} but we do not: ${(ours.error as Error).message}`);
      const { header: h, frames } = ours;
      const shape = [
        ...(h.numberOfFrames > 1 ? [h.numberOfFrames] : []),
        h.rows,
        h.columns,
        ...(h.samplesPerPixel > 1 ? [h.samplesPerPixel] : []),
      ];
      expect(shape).toEqual(ref!.shape);
      expect(frames[0]!.constructor.name).toBe(DTYPES[ref!.dtype!]);
      frames.forEach((frame, i) => {
        expect(frame).toHaveLength(h.rows * h.columns * h.samplesPerPixel);
        if (sha256(frame) !== ref!.frames![i]) {
          let lo = Infinity;
          let hi = -Infinity;
          for (const v of frame) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
          expect.fail(
            `frame ${i} differs from pydicom (ours ${lo}..${hi}, pydicom ${ref!.min}..${ref!.max})`,
          );
        }
      });
      for (const [keyword, value] of Object.entries(ref!.header ?? {})) {
        expect(ourHeaderValue(h, keyword), keyword).toEqual(expectedHeaderValue(keyword, value));
      }
    });

    it('reports a truncated corpus file (MR_truncated.dcm)', () => {
      const e = decodeAll(join(folder, 'MR_truncated.dcm'));
      expect(e.ok).toBe(false);
      expect((e as { error: Error }).error).toBeInstanceOf(DicomError);
      expect((e as { error: Error }).error.message).toMatch(/truncated/);
    });

    it('parses a file without pixel data (rtplan.dcm) and refuses to decode it', () => {
      const parsed = parseDicom(readFileSync(join(folder, 'rtplan.dcm')));
      expect(parsed.header.hasPixelData).toBe(false);
      expect(parsed.header.modality).toBe('RTPLAN');
      expect(() => parsed.decodeFrame()).toThrow(/no pixel data/);
    });
  },
);
