// The only file that imports daikon. daikon tokenises the dataset; we keep just element positions
// and decode the values we need ourselves (values.ts), so daikon's value conversions never matter.
import daikon from 'daikon';
import { DicomError, describeThrown } from './errors';
import { LONG_VRS, type FileLayout } from './layout';

/** One top-level element: where its value lies in `RawDataset.bytes`. */
export interface RawElement {
  readonly vr: string;
  readonly valueOffset: number;
  /** Bytes of value present; for undefined-length pixel data, up to the end of the data. */
  readonly valueLength: number;
  readonly undefinedLength: boolean;
}

export interface RawDataset {
  /** The bytes the offsets refer to: the private copy, or meta + inflated dataset when deflated. */
  readonly bytes: Uint8Array;
  readonly littleEndian: boolean;
  /** Top-level elements keyed by (group << 16 | element) >>> 0. */
  readonly elements: ReadonlyMap<number, RawElement>;
}

const UNDEFINED_LENGTH = 0xffffffff;
const PIXEL_DATA_GROUP = 0x7fe0;

// daikon 1.2.46 predates some VRs with 32-bit lengths and would misread their length field.
for (const vr of LONG_VRS) {
  if (!daikon.Parser.DATA_VRS.includes(vr)) daikon.Parser.DATA_VRS.push(vr);
  if (!daikon.Parser.VRS.includes(vr)) daikon.Parser.VRS.push(vr);
}

/** End offset of an encapsulated (item-by-item) value starting at `offset`, little endian. */
function encapsulatedEnd(view: DataView, offset: number): number {
  let pos = offset;
  while (pos + 8 <= view.byteLength) {
    const tag = view.getUint32(pos, true);
    const length = view.getUint32(pos + 4, true);
    pos += 8;
    if (tag === 0xe0ddfffe) return pos; // sequence delimiter (FFFE,E0DD)
    if (tag !== 0xe000fffe || length === UNDEFINED_LENGTH) break;
    pos += length;
  }
  throw new RangeError('encapsulated pixel data without sequence delimiter');
}

/** A parser whose encoding follows our layout detection instead of daikon's guesses. */
function createParser(layout: FileLayout): InstanceType<typeof daikon.Parser> {
  const parser = new daikon.Parser();
  const getNextTag = parser.getNextTag.bind(parser);
  const parseSublist = parser.parseSublist.bind(parser);
  let unSequenceDepth = 0;

  parser.findFirstTagOffset = () => layout.metaOffset; // daikon's own search reads past small files
  parser.getNextTag = (data, offset, testForTag) => {
    parser.metaFinishedOffset = layout.datasetOffset;
    if (offset >= layout.datasetOffset) {
      parser.metaFinished = true;
      parser.littleEndian = unSequenceDepth > 0 ? true : layout.littleEndian;
      parser.explicit = unSequenceDepth > 0 ? false : layout.explicitVr;
      // daikon takes undefined-length pixel data to run to the end of the file (wrong for an icon
      // image inside a sequence) and, in implicit VR, parses it as a sequence; we find its end.
      // Pixel data is also the one large value; we note where it lies instead of copying it.
      if (offset + 12 <= data.byteLength) {
        const le = parser.littleEndian;
        if (data.getUint16(offset, le) === PIXEL_DATA_GROUP && data.getUint16(offset + 2, le) === 0x0010) {
          const lengthAt = offset + (parser.explicit ? 8 : 4);
          const length = data.getUint32(lengthAt, le);
          const start = lengthAt + 4;
          const end = length === UNDEFINED_LENGTH ? encapsulatedEnd(data, start) : start + length;
          const vr = parser.explicit
            ? String.fromCharCode(data.getUint8(offset + 4), data.getUint8(offset + 5))
            : 'OW';
          return new daikon.Tag(PIXEL_DATA_GROUP, 0x10, vr, null, offset, start, end, le, null);
        }
      }
    }
    return getNextTag(data, offset, testForTag);
  };
  parser.parseSublist = (data, offset, length, raw) => {
    // daikon reads every OB/OW/UN/UT value as a list of items; a defined-length value is opaque.
    if (raw && length !== UNDEFINED_LENGTH) return [];
    if (!raw) return parseSublist(data, offset, length, raw);
    // Undefined-length UN is a sequence in implicit VR little endian (PS3.5 6.2.2).
    unSequenceDepth++;
    const saved = [parser.littleEndian, parser.explicit] as const;
    parser.littleEndian = true;
    parser.explicit = false;
    try {
      return parseSublist(data, offset, length, false);
    } finally {
      unSequenceDepth--;
      [parser.littleEndian, parser.explicit] = saved;
    }
  };
  return parser;
}

/** Parses the dataset of `copy` (a buffer of our own: daikon ignores DataView offsets). */
export function parseDataset(copy: Uint8Array, layout: FileLayout): RawDataset {
  if (copy.byteOffset !== 0 || copy.byteLength !== copy.buffer.byteLength) {
    throw new Error('parseDataset needs a buffer of its own');
  }
  const parser = createParser(layout);
  let image: ReturnType<typeof parser.parse>;
  try {
    image = parser.parse(new DataView(copy.buffer));
  } catch (e) {
    parser.error = e;
    image = null;
  }
  if (parser.error !== null || image === null) {
    const why = `truncated or malformed: the dataset could not be parsed (${describeThrown(parser.error)})`;
    throw new DicomError(why, layout.transferSyntaxUid, { cause: parser.error });
  }
  const bytes = parser.inflated ? new Uint8Array(parser.inflated) : copy;
  const elements = new Map<number, RawElement>();
  for (const tag of Object.values(image.tags)) {
    if (!tag || tag.group === 0xfffe) continue;
    const key = ((tag.group << 16) | tag.element) >>> 0;
    const lengthField = tag.offsetValue >= 4 ? readUint32(bytes, tag.offsetValue - 4) : 0;
    const undefinedLength = lengthField === UNDEFINED_LENGTH;
    const end = Math.min(tag.offsetEnd, bytes.length);
    elements.set(key, {
      vr: tag.vr ?? 'UN',
      valueOffset: tag.offsetValue,
      valueLength: Math.max(0, end - tag.offsetValue),
      undefinedLength,
    });
    if (tag.offsetEnd > bytes.length && !undefinedLength) {
      const name = `(${hex(tag.group)},${hex(tag.element)})`;
      throw new DicomError(
        `truncated: element ${name} needs ${tag.offsetEnd - tag.offsetValue} bytes but the file ends after ${end - tag.offsetValue}`,
        layout.transferSyntaxUid,
      );
    }
  }
  return { bytes, littleEndian: layout.littleEndian, elements };
}

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

function readUint32(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0;
}
