import { DicomError } from './errors';

/** Fragments of encapsulated pixel data (PS3.5 A.4), as views into the dataset bytes. */
export interface Encapsulated {
  /** Basic Offset Table entries (empty when the table is empty). */
  offsets: number[];
  fragments: Uint8Array[];
  /** Offset of each fragment's item tag relative to the first fragment's item tag. */
  fragmentPositions: number[];
}

const ITEM = 0xe000fffe;
const SEQUENCE_DELIMITER = 0xe0ddfffe;

/** Splits the value of an undefined-length Pixel Data element into its items. */
export function readEncapsulated(bytes: Uint8Array, start: number, end: number): Encapsulated {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const items: { position: number; data: Uint8Array }[] = [];
  let pos = start;
  let closed = false;
  while (pos + 8 <= end) {
    const tag = view.getUint32(pos, true);
    const length = view.getUint32(pos + 4, true);
    if (tag === SEQUENCE_DELIMITER) {
      closed = true;
      break;
    }
    if (tag !== ITEM)
      throw new DicomError(`malformed encapsulated pixel data: expected an item at byte ${pos}`);
    if (length === 0xffffffff || pos + 8 + length > end) {
      throw new DicomError('truncated: encapsulated pixel data ends inside a fragment');
    }
    items.push({ position: pos, data: bytes.subarray(pos + 8, pos + 8 + length) });
    pos += 8 + length;
  }
  if (!closed) throw new DicomError('truncated: encapsulated pixel data has no sequence delimiter');
  const [table, ...rest] = items;
  if (!table) throw new DicomError('malformed encapsulated pixel data: no Basic Offset Table item');
  const offsets: number[] = [];
  const tv = new DataView(table.data.buffer, table.data.byteOffset, table.data.byteLength);
  for (let i = 0; i + 4 <= table.data.byteLength; i += 4) offsets.push(tv.getUint32(i, true));
  const first = rest[0]?.position ?? 0;
  return {
    offsets,
    fragments: rest.map((r) => r.data),
    fragmentPositions: rest.map((r) => r.position - first),
  };
}

function startsCodestream(f: Uint8Array): boolean {
  const [a, b, c, d] = f;
  return (a === 0xff && (b === 0xd8 || b === 0x4f)) || (a === 0x00 && b === 0x00 && c === 0x00 && d === 0x0c); // JPEG, J2K, JP2
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The compressed bytes of frame `index`, grouping fragments the way pydicom does: all of them for a
 * single frame, else by the Basic Offset Table, else one per frame, else by codestream start markers.
 */
export function frameBytes(e: Encapsulated, frameCount: number, index: number): Uint8Array {
  const { fragments, offsets, fragmentPositions } = e;
  if (fragments.length === 0) throw new DicomError('encapsulated pixel data has no fragments');
  if (frameCount === 1) return concat(fragments);
  if (offsets.length > 0) {
    const from = offsets[index];
    if (from === undefined) throw new DicomError(`Basic Offset Table has no entry for frame ${index}`);
    const to = offsets[index + 1] ?? Infinity;
    const parts = fragments.filter((_, i) => fragmentPositions[i]! >= from && fragmentPositions[i]! < to);
    if (parts.length === 0)
      throw new DicomError(`no fragment at the Basic Offset Table offset of frame ${index}`);
    return concat(parts);
  }
  if (fragments.length === frameCount) return fragments[index]!;
  const frames: Uint8Array[][] = [];
  for (const f of fragments) {
    if (frames.length === 0 || startsCodestream(f)) frames.push([f]);
    else frames[frames.length - 1]!.push(f);
  }
  if (frames.length !== frameCount) {
    throw new DicomError(
      `cannot tell which of ${fragments.length} fragments belong to which of ${frameCount} frames`,
    );
  }
  return concat(frames[index]!);
}
