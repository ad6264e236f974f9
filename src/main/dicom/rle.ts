import { DicomError } from './errors';

/**
 * Decodes one RLE Lossless frame (PS3.5 G) into interleaved little-endian sample bytes.
 * Segments hold one byte of one sample each, most significant byte first.
 */
export function decodeRle(
  frame: Uint8Array,
  pixels: number,
  samples: number,
  bytesPerSample: number,
): Uint8Array {
  if (frame.length < 64) throw new DicomError('truncated: RLE frame shorter than its 64-byte header');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const expected = samples * bytesPerSample;
  if (segments !== expected) {
    throw new DicomError(`RLE frame has ${segments} segments where ${expected} are expected`);
  }
  // PackBits expands at most 128-fold: refuse sizes a corrupt header makes up before allocating.
  if (pixels > frame.length * 64) throw new DicomError('RLE frame is too short for the image size');
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || start > frame.length || end < start || end > frame.length) {
      throw new DicomError(`RLE segment ${s} lies outside its frame`);
    }
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // segments go MSB first
    unpackSegment(frame, start, end, out, sample * bytesPerSample + byteInSample, expected, pixels);
  }
  return out;
}

/** PackBits: n in 0..127 copies n+1 bytes, n in -127..-1 repeats the next byte 1-n times. */
function unpackSegment(
  src: Uint8Array,
  pos: number,
  end: number,
  out: Uint8Array,
  first: number,
  step: number,
  count: number,
): void {
  let o = first;
  let written = 0;
  while (pos < end && written < count) {
    const n = src[pos++]!;
    if (n < 128) {
      const len = Math.min(n + 1, end - pos, count - written);
      for (let i = 0; i < len; i++, o += step) out[o] = src[pos + i]!;
      pos += n + 1;
      written += len;
    } else if (n > 128) {
      const value = src[pos++] ?? 0;
      const len = Math.min(257 - n, count - written);
      for (let i = 0; i < len; i++, o += step) out[o] = value;
      written += len;
    }
  }
  if (written < count) throw new DicomError(`RLE segment decodes to ${written} of ${count} bytes`);
}
