import { DicomError } from './errors';
import {
  fromBigEndianBytes,
  fromLittleEndianBytes,
  interleave,
  samplesPerFrame,
  storedArrayType,
} from './pixelFormat';
import type { DicomHeader, StoredPixels } from './types';

/**
 * Bytes of uncompressed pixel data that the header calls for, all frames (pydicom's
 * get_expected_length): YBR_FULL_422 stores two samples per pixel, 1-bit data is packed.
 */
export function expectedNativeLength(h: DicomHeader): number {
  const samples = samplesPerFrame(h) * h.numberOfFrames;
  if (h.bitsAllocated === 1) return Math.ceil(samples / 8);
  const bytes = (samples * h.bitsAllocated) / 8;
  return h.photometricInterpretation === 'YBR_FULL_422' ? (bytes / 3) * 2 : bytes;
}

/** Decodes frame `index` of uncompressed pixel data `value` (the element's bytes). */
export function decodeNativeFrame(
  h: DicomHeader,
  value: Uint8Array,
  littleEndian: boolean,
  index: number,
  /** Return a view into `value` instead of a copy where the data allows (borrowed bytes). */
  view = false,
): StoredPixels {
  const Type = storedArrayType(h);
  if (Type === null) throw new DicomError(`Bits Allocated ${h.bitsAllocated} is not supported`);
  const expected = expectedNativeLength(h);
  // Like pydicom: a missing trailing padding byte is tolerated, anything shorter is an error.
  if (value.length < expected) {
    throw new DicomError(`truncated: pixel data has ${value.length} bytes, the header calls for ${expected}`);
  }
  const count = samplesPerFrame(h);
  if (h.bitsAllocated === 1) return unpackBits(value, index * count, count);
  if (h.photometricInterpretation === 'YBR_FULL_422' && h.samplesPerPixel === 3) {
    return expand422(h, value, littleEndian, index);
  }
  const frameBytes = count * Type.BYTES_PER_ELEMENT;
  const bytes = value.subarray(index * frameBytes, (index + 1) * frameBytes);
  const interleaved = h.planarConfiguration !== 1 || h.samplesPerPixel === 1;
  if (view && littleEndian && interleaved && bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0) {
    // Borrowed bytes always sit in a plain ArrayBuffer (parseDicom checks it).
    return new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  }
  const samples = littleEndian
    ? fromLittleEndianBytes(Type, bytes, count)
    : fromBigEndianBytes(Type, bytes, count);
  return h.planarConfiguration === 1 && h.samplesPerPixel > 1
    ? interleave(samples, h.samplesPerPixel)
    : samples;
}

/** 1-bit data, least significant bit first, frames not necessarily byte aligned. */
function unpackBits(value: Uint8Array, firstBit: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = firstBit + i;
    out[i] = (value[bit >> 3]! >> (bit & 7)) & 1;
  }
  return out;
}

/** YBR_FULL_422 stores Y1 Y2 Cb Cr per pixel pair; expand to Y Cb Cr per pixel (as pydicom). */
function expand422(h: DicomHeader, value: Uint8Array, littleEndian: boolean, index: number): StoredPixels {
  const Type = storedArrayType(h)!;
  const stored = (h.rows * h.columns * 2) | 0;
  const frameBytes = stored * Type.BYTES_PER_ELEMENT;
  const bytes = value.subarray(index * frameBytes, (index + 1) * frameBytes);
  const src = littleEndian
    ? fromLittleEndianBytes(Type, bytes, stored)
    : fromBigEndianBytes(Type, bytes, stored);
  const out = new Type(h.rows * h.columns * 3);
  for (let i = 0, o = 0; i + 3 < src.length; i += 4, o += 6) {
    const cb = src[i + 2]!;
    const cr = src[i + 3]!;
    out[o] = src[i]!;
    out[o + 1] = cb;
    out[o + 2] = cr;
    out[o + 3] = src[i + 1]!;
    out[o + 4] = cb;
    out[o + 5] = cr;
  }
  return out;
}
