import type { DicomHeader, StoredPixels } from './types';

type StoredArrayConstructor =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Uint16ArrayConstructor
  | Int16ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor;

/** The typed array for the header's Bits Allocated and Pixel Representation (as pydicom's dtype). */
export function storedArrayType(h: DicomHeader): StoredArrayConstructor | null {
  const signed = h.pixelRepresentation === 1;
  switch (h.bitsAllocated) {
    case 1:
      return Uint8Array; // unpacked to one 0/1 value per pixel
    case 8:
      return signed ? Int8Array : Uint8Array;
    case 16:
      return signed ? Int16Array : Uint16Array;
    case 32:
      return signed ? Int32Array : Uint32Array;
    default:
      return null;
  }
}

export const samplesPerFrame = (h: DicomHeader): number => h.rows * h.columns * h.samplesPerPixel;

/**
 * Reinterprets little-endian sample bytes as the header's type (what numpy.frombuffer does):
 * always a fresh, aligned copy the caller owns.
 */
export function fromLittleEndianBytes(
  Type: StoredArrayConstructor,
  bytes: Uint8Array,
  count: number,
): StoredPixels {
  const size = Type.BYTES_PER_ELEMENT * count;
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + size) as ArrayBuffer;
  return new Type(copy);
}

/** Same from big-endian bytes: copy, then swap each sample in place. */
export function fromBigEndianBytes(
  Type: StoredArrayConstructor,
  bytes: Uint8Array,
  count: number,
): StoredPixels {
  const size = Type.BYTES_PER_ELEMENT;
  // A copy of its own even when given a Buffer (whose slice() is a view).
  const out = new Uint8Array(bytes.subarray(0, size * count));
  if (size === 2) {
    const w = new Uint16Array(out.buffer);
    for (let i = 0; i < w.length; i++) {
      const v = w[i]!;
      w[i] = (v >>> 8) | ((v & 0xff) << 8);
    }
  } else if (size === 4) {
    const w = new Uint32Array(out.buffer);
    for (let i = 0; i < w.length; i++) {
      const v = w[i]!;
      w[i] = ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | ((v & 0xff) << 24)) >>> 0;
    }
  }
  return new Type(out.buffer);
}

/** Planar configuration 1 (RRR..GGG..BBB) to interleaved (RGBRGB..). */
export function interleave(planar: StoredPixels, samples: number): StoredPixels {
  const pixels = planar.length / samples;
  const out = new (planar.constructor as StoredArrayConstructor)(planar.length);
  for (let s = 0; s < samples; s++) {
    const base = s * pixels;
    for (let p = 0; p < pixels; p++) out[p * samples + s] = planar[base + p]!;
  }
  return out;
}

/** Converts decoded sample values to the header's type, value by value. */
export function convertSamples(Type: StoredArrayConstructor, values: ArrayLike<number>): StoredPixels {
  const out = new Type(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}
