// Unit tests of the DICOM layer on files written here (no Python needed).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DicomError, describeHeader, parseDicom, toModalityValues } from '../../src/main/dicom';
import { ctSlice, writeDicom, type TestElement } from './writeDicom';

const rows = 6;
const columns = 5;
const pixels = Int16Array.from({ length: rows * columns }, (_, i) => ((i * 37) % 3000) - 1000);
const slice = writeDicom(ctSlice(rows, columns, pixels));

function dicomError(run: () => unknown): DicomError {
  try {
    run();
  } catch (e) {
    if (e instanceof DicomError) return e;
    throw new Error(`expected a DicomError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a DicomError, nothing was thrown');
}

const tmp = mkdtempSync(join(tmpdir(), 'dvt-dicom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseDicom', () => {
  it('reads the header of a CT slice', () => {
    const h = parseDicom(slice).header;
    expect(h).toMatchObject({
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      sopInstanceUid: '1.2.3.4.5',
      studyInstanceUid: '1.2.3.4',
      seriesInstanceUid: '1.2.3.4.1',
      frameOfReferenceUid: null,
      patientName: 'Test^Patient',
      modality: 'CT',
      instanceNumber: 7,
      seriesNumber: null,
      imagePositionPatient: [-250, -250.5, 100.25],
      imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [0.7, 0.8],
      rows,
      columns,
      numberOfFrames: 1,
      samplesPerPixel: 1,
      bitsAllocated: 16,
      bitsStored: 12,
      highBit: 11,
      pixelRepresentation: 1,
      photometricInterpretation: 'MONOCHROME2',
      rescaleSlope: 1,
      rescaleIntercept: -1024,
      windowCenter: null,
      hasPixelData: true,
    });
  });

  it('decodes the stored pixel values as the natural typed array', () => {
    const stored = parseDicom(slice).decodeFrame(0);
    expect(stored).toBeInstanceOf(Int16Array);
    expect(Array.from(stored)).toEqual(Array.from(pixels));
  });

  it('reads implicit VR files and raw datasets without preamble or meta', () => {
    for (const bytes of [
      writeDicom(ctSlice(rows, columns, pixels), { implicit: true }),
      writeDicom(ctSlice(rows, columns, pixels), { raw: true }),
    ]) {
      const parsed = parseDicom(bytes);
      expect(parsed.header.rows).toBe(rows);
      expect(Array.from(parsed.decodeFrame())).toEqual(Array.from(pixels));
    }
    expect(
      parseDicom(writeDicom(ctSlice(rows, columns, pixels), { raw: true })).header.transferSyntaxUid,
    ).toBeNull();
  });

  it('parses a buffer that is a slice of a larger (pooled) ArrayBuffer', () => {
    for (const offset of [1, 8, 1237]) {
      const pool = new Uint8Array(offset + slice.length + 99).fill(0xee);
      pool.set(slice, offset);
      const view = pool.subarray(offset, offset + slice.length);
      expect(view.byteOffset).toBe(offset);
      const parsed = parseDicom(view);
      expect(parsed.header.sopInstanceUid).toBe('1.2.3.4.5');
      expect(Array.from(parsed.decodeFrame(0))).toEqual(Array.from(pixels));
    }
    // A Node Buffer from the shared pool (small buffers share one ArrayBuffer).
    const pooled = Buffer.from(slice);
    expect(parseDicom(pooled).header.rows).toBe(rows);
  });

  it('rejects what is not DICOM', () => {
    for (const bytes of [
      new Uint8Array(0),
      Uint8Array.of(1, 2, 3),
      new Uint8Array(200),
      new TextEncoder().encode('hello, this is a text file\n'.repeat(20)),
    ]) {
      expect(dicomError(() => parseDicom(bytes)).message).toMatch(/not a DICOM file/);
    }
  });

  it('reports a truncated file', () => {
    const file = join(tmp, 'slice.dcm');
    writeFileSync(file, slice);
    const whole = readFileSync(file);
    for (const cut of [whole.length - 1, whole.length - 20, 400]) {
      writeFileSync(join(tmp, `cut-${cut}.dcm`), whole.subarray(0, cut));
      const e = dicomError(() => parseDicom(readFileSync(join(tmp, `cut-${cut}.dcm`))));
      expect(e.message).toMatch(/truncated/);
    }
  });

  it('reports missing pixel data when decoding, not when parsing', () => {
    const noPixels = writeDicom(ctSlice(rows, columns, pixels).filter((e) => e.tag !== 0x7fe00010));
    const parsed = parseDicom(noPixels);
    expect(parsed.header.hasPixelData).toBe(false);
    const e = dicomError(() => parsed.decodeFrame(0));
    expect(e.message).toMatch(/no pixel data/);
    expect(e.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
  });

  it('reports pixel data shorter than the header calls for', () => {
    const short = ctSlice(rows, columns, pixels.subarray(0, 10));
    expect(dicomError(() => parseDicom(writeDicom(short)).decodeFrame()).message).toMatch(
      /pixel data has 20 bytes/,
    );
  });

  it('rejects frames that do not exist and returns a fresh array each time', () => {
    const parsed = parseDicom(slice);
    expect(dicomError(() => parsed.decodeFrame(1)).message).toMatch(/frame 1 does not exist/);
    const a = parsed.decodeFrame(0);
    a.fill(0);
    expect(Array.from(parsed.decodeFrame(0))).toEqual(Array.from(pixels));
  });

  it('names the transfer syntax it cannot decode', () => {
    const elements: TestElement[] = ctSlice(rows, columns, pixels);
    const bytes = writeDicom(elements);
    // Rewrite the declared transfer syntax to an unsupported one of the same length.
    const text = Buffer.from(bytes)
      .toString('latin1')
      .replace('1.2.840.10008.1.2.1\0', '1.2.840.10008.1.2.9\0');
    const e = dicomError(() => parseDicom(Buffer.from(text, 'latin1')).decodeFrame());
    expect(e.transferSyntaxUid).toBe('1.2.840.10008.1.2.9');
    expect(e.message).toMatch(/1\.2\.840\.10008\.1\.2\.9/);
  });

  it('describes the header as flat JSON', () => {
    const d = describeHeader(parseDicom(slice).header);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(d).toMatchObject({ rows, columns, modality: 'CT', pixelSpacing: [0.7, 0.8] });
  });
});

describe('robustness', () => {
  it('throws only DicomError on truncated and corrupted files', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 400; i++) {
      const bytes = i % 2 ? slice.slice(0, Math.floor(random() * slice.length)) : slice.slice();
      if (i % 2 === 0)
        for (let k = 0; k < 4; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        parseDicom(bytes).decodeFrame(0);
      } catch (e) {
        expect(e).toBeInstanceOf(DicomError);
      }
    }
  });
});

describe('toModalityValues', () => {
  it('gives Int16Array for integer rescale that fits', () => {
    const hu = toModalityValues(Int16Array.of(0, 1024, 3000), 1, -1024);
    expect(hu).toBeInstanceOf(Int16Array);
    expect(Array.from(hu)).toEqual([-1024, 0, 1976]);
    expect(Array.from(toModalityValues(Uint16Array.of(0, 10), 2, -5))).toEqual([-5, 15]);
  });

  it('gives Float32Array for a fractional rescale or out-of-range results', () => {
    const frac = toModalityValues(Uint16Array.of(0, 3), 0.5, -1);
    expect(frac).toBeInstanceOf(Float32Array);
    expect(Array.from(frac)).toEqual([-1, 0.5]);
    const wide = toModalityValues(Uint16Array.of(0, 65535), 1, -1024);
    expect(wide).toBeInstanceOf(Float32Array);
    expect(Array.from(wide)).toEqual([-1024, 64511]);
    expect(toModalityValues(Int32Array.of(-40000), 1, 0)).toBeInstanceOf(Float32Array);
  });

  it('handles empty input', () => {
    expect(toModalityValues(new Int16Array(0), 1, -1024)).toHaveLength(0);
  });
});
