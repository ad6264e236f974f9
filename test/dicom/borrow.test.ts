import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDicom } from '../../src/main/dicom';

const CORPUS = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const ownCopy = (file: string): Uint8Array => {
  const b = readFileSync(`${CORPUS}/${file}`);
  return Uint8Array.from(b); // a buffer of its own, exactly the file's size
};

describe.skipIf(!existsSync(`${CORPUS}/CT_small.dcm`))('borrowed bytes', () => {
  it('decode to the same pixels as copied bytes, as a view into them', () => {
    const bytes = ownCopy('CT_small.dcm');
    const copied = parseDicom(bytes).decodeFrame(0);
    const borrowed = parseDicom(bytes, { borrow: true }).decodeFrame(0);
    expect([...borrowed]).toEqual([...copied]);
    expect(borrowed.buffer).toBe(bytes.buffer);
  });

  it('are copied all the same when they do not fill their buffer', () => {
    const bytes = ownCopy('CT_small.dcm');
    const padded = new Uint8Array(bytes.length + 16);
    padded.set(bytes);
    const view = padded.subarray(0, bytes.length);
    const frame = parseDicom(view, { borrow: true }).decodeFrame(0);
    expect(frame.buffer).not.toBe(padded.buffer);
  });

  it('still decode big-endian data right', () => {
    const reference = parseDicom(ownCopy('MR_small.dcm')).decodeFrame(0);
    const borrowed = parseDicom(ownCopy('MR_small_bigendian.dcm'), { borrow: true }).decodeFrame(0);
    expect([...borrowed]).toEqual([...reference]);
  });
});
