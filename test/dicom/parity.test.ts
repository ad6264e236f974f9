// Pixel parity with pydicom (+GDCM) on every file of pydicom's test corpus. Skips only when
// /usr/bin/python3 or pydicom is missing.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DicomError, parseDicom, type DicomHeader, type StoredPixels } from '../../src/main/dicom';
import {
  decodeAll,
  expectSameAsReference,
  pydicomEnvironment,
  runReference,
  type Reference,
} from './reference';

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
const DECODED_WHERE_PYDICOM_FAILS: Record<string, (pixels: StoredPixels, h: DicomHeader) => void> = {
  // Number of Frames is "1A" (not an integer string): pydicom's numpy handler raises a TypeError
  // computing the expected length. We read the invalid value as absent (1 frame) and decode it.
  'badVR.dcm': (pixels, h) => {
    expect(h.numberOfFrames).toBe(1);
    expect(pixels).toBeInstanceOf(Uint32Array);
    expect(pixels).toHaveLength(100);
  },
};

const env = pydicomEnvironment();
const folder = 'testFiles' in env && existsSync(env.testFiles) ? env.testFiles : '';
const skip = 'skip' in env ? env.skip : folder ? null : "pydicom's test files are missing";
const walk = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
const files = folder ? walk(folder) : [];

describe.skipIf(skip !== null)(`pixel parity with pydicom${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let refs = new Map<string, Reference>();
  beforeAll(async () => {
    refs = await runReference(files);
  });

  it('finds the corpus and every listed file in it', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const name of [...Object.keys(KNOWN_UNDECODABLE), ...Object.keys(DECODED_WHERE_PYDICOM_FAILS)]) {
      expect(existsSync(join(folder, name)), `${name} is listed but not in the corpus`).toBe(true);
    }
  });

  it.each(files.map((f) => [relative(folder, f), f]))('%s', (name, file) => {
    const ref = refs.get(file);
    if (!ref) throw new Error('no reference output');
    const outcome = decodeAll(file);
    if (!outcome.ok && !(outcome.error instanceof DicomError)) throw outcome.error; // a crash: never acceptable

    if (name in KNOWN_UNDECODABLE) {
      expect(outcome.ok, `${name} decodes now: remove it from KNOWN_UNDECODABLE`).toBe(false);
      const e = (outcome as { error: DicomError }).error;
      expect(e.transferSyntaxUid).not.toBeNull();
      expect(e.message).toContain(e.transferSyntaxUid!);
      return;
    }
    const check = DECODED_WHERE_PYDICOM_FAILS[name];
    if (check) {
      expect(ref.ok, `pydicom decodes ${name} now: remove it from DECODED_WHERE_PYDICOM_FAILS`).toBe(false);
      if (!outcome.ok) throw outcome.error;
      check(outcome.frames[0]!, outcome.header);
      return;
    }
    if (!ref.ok) {
      expect(outcome.ok, `pydicom fails (${ref.error}) but we decode`).toBe(false);
      return;
    }
    expectSameAsReference(outcome, ref);
  });

  it('reports a truncated corpus file (MR_truncated.dcm)', () => {
    const outcome = decodeAll(join(folder, 'MR_truncated.dcm'));
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(DicomError);
    expect((error as DicomError).message).toMatch(/truncated/);
  });

  it('parses a file without pixel data (rtplan.dcm) and refuses to decode it', () => {
    const parsed = parseDicom(readFileSync(join(folder, 'rtplan.dcm')));
    expect(parsed.header.hasPixelData).toBe(false);
    expect(parsed.header.modality).toBe('RTPLAN');
    expect(() => parsed.decodeFrame()).toThrow(/no pixel data/);
  });
});
