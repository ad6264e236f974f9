// NumPy's .npy format, version 1.0, for float32 arrays: the magic string, a little-endian header
// length, a Python dict literal padded so the data starts on a 64-byte boundary (what numpy itself
// writes), then the values little-endian in C order.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { endianness } from 'node:os';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]); // \x93NUMPY v1.0
const ALIGN = 64;

/** The bytes of a .npy file holding `data` as a float32 array of `shape` (C order). */
export function encodeNpyFloat32(data: Float32Array, shape: readonly number[]): Buffer {
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new RangeError(`bad shape (${shape.join(', ')})`);
  const count = shape.reduce((a, d) => a * d, 1);
  if (count !== data.length) {
    throw new RangeError(`${data.length} values for shape (${shape.join(', ')}) of ${count}`);
  }
  // A one-element tuple needs its trailing comma in Python.
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = MAGIC.length + 2 + dict.length + 1; // + the closing newline
  const headerLength = Math.ceil(unpadded / ALIGN) * ALIGN - MAGIC.length - 2;
  if (headerLength > 0xffff) throw new RangeError('npy header too long for format version 1.0');
  const header = `${dict}${' '.repeat(headerLength - dict.length - 1)}\n`;
  const out = Buffer.alloc(MAGIC.length + 2 + headerLength + data.length * 4);
  MAGIC.copy(out, 0);
  out.writeUInt16LE(headerLength, MAGIC.length);
  out.write(header, MAGIC.length + 2, 'latin1');
  const offset = MAGIC.length + 2 + headerLength;
  if (endianness() === 'LE') {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
  } else {
    for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i]!, offset + 4 * i);
  }
  return out;
}
