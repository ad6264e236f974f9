// A minimal PNG encoder for patch images: 8-bit grey (colour type 0) or RGB (colour type 2), no
// interlace, filter type 0 (None) on every row. Patches are small and written once, so the smaller
// files other filters would give are not worth a dependency or the code; zlib does the compression.
import { deflateSync } from 'node:zlib';

export type PngColour = 'grey' | 'rgb';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** CRC-32 (ISO 3309, polynomial 0xEDB88320) table, as the PNG specification's sample code builds it. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes` (what each PNG chunk carries over its type and data). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = (CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)) >>> 0;
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * A PNG of `width` × `height` pixels: `pixels` is row-major, one byte per pixel for grey and three
 * (R, G, B) for rgb.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, colour: PngColour): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`a PNG needs a positive whole size (got ${width}×${height})`);
  }
  const channels = colour === 'rgb' ? 3 : 1;
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new RangeError(
      `${pixels.length} bytes for a ${width}×${height} ${colour} image (${stride * height})`,
    );
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = colour === 'rgb' ? 2 : 0;
  // compression 0 (deflate), filter method 0, interlace 0: already zero.
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++)
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Interleaves three grey planes of equal length into R, G, B bytes. */
export function interleaveRgb(r: Uint8Array, g: Uint8Array, b: Uint8Array): Uint8Array {
  if (g.length !== r.length || b.length !== r.length)
    throw new RangeError('the three channels differ in size');
  const out = new Uint8Array(r.length * 3);
  for (let i = 0, o = 0; i < r.length; i++, o += 3) {
    out[o] = r[i]!;
    out[o + 1] = g[i]!;
    out[o + 2] = b[i]!;
  }
  return out;
}
