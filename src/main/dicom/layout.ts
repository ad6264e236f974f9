import { DicomError } from './errors';
import { TS } from './transferSyntax';

/**
 * Where the dataset starts and how it is really encoded. We read the file meta ourselves (it is
 * always explicit little endian) and check the first dataset element, as pydicom does, because
 * some writers declare one encoding and use another.
 */
export interface FileLayout {
  /** Offset of the first file meta element (or of the dataset when there is no meta). */
  metaOffset: number;
  /** Offset of the first element after the preamble and file meta (0 for a raw dataset). */
  datasetOffset: number;
  /** Transfer Syntax UID from the file meta, or null when the file has none. */
  transferSyntaxUid: string | null;
  littleEndian: boolean;
  explicitVr: boolean;
  deflated: boolean;
}

/** VRs whose explicit encoding has 2 reserved bytes and a 32-bit length. */
export const LONG_VRS = new Set([
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SQ',
  'SV',
  'UC',
  'UN',
  'UR',
  'UT',
  'UV',
]);
const ALL_VRS = new Set([
  ...LONG_VRS,
  ...['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST'],
  ...['TM', 'UI', 'UL', 'US'],
]);

const u16le = (b: Uint8Array, o: number): number => (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
const u16be = (b: Uint8Array, o: number): number => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
const u32le = (b: Uint8Array, o: number): number => (u16le(b, o) + u16le(b, o + 2) * 0x10000) >>> 0;

function vrAt(b: Uint8Array, o: number): string {
  return String.fromCharCode(b[o] ?? 0, b[o + 1] ?? 0);
}

function hasMagic(b: Uint8Array, o: number): boolean {
  return b[o] === 0x44 && b[o + 1] === 0x49 && b[o + 2] === 0x43 && b[o + 3] === 0x4d; // "DICM"
}

function text(b: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length; i++) s += String.fromCharCode(b[i] ?? 0);
  return s.replace(/[\0 ]+$/, '').trim();
}

/** Walks the group 0002 elements; returns the offset after them and the Transfer Syntax UID. */
function readMeta(b: Uint8Array, start: number): { end: number; tsUid: string | null } {
  let pos = start;
  let tsUid: string | null = null;
  while (pos + 8 <= b.length && u16le(b, pos) === 0x0002) {
    const element = u16le(b, pos + 2);
    const vr = vrAt(b, pos + 4);
    let header = 8;
    let length: number;
    if (!ALL_VRS.has(vr)) {
      length = u32le(b, pos + 4); // implicit VR meta: wrong but seen in the wild
    } else if (LONG_VRS.has(vr)) {
      if (pos + 12 > b.length) throw new DicomError('truncated: file ends inside the file meta information');
      header = 12;
      length = u32le(b, pos + 8);
    } else {
      length = u16le(b, pos + 6);
    }
    if (length === 0xffffffff || pos + header + length > b.length) {
      throw new DicomError('truncated: file ends inside the file meta information');
    }
    if (element === 0x0010) tsUid = text(b, pos + header, length);
    pos += header + length;
  }
  return { end: pos, tsUid };
}

/** True when the bytes at `o` look like the start of an element of a dataset. */
function plausibleFirstElement(b: Uint8Array, o: number, littleEndian: boolean): boolean {
  if (o + 8 > b.length) return false;
  const group = littleEndian ? u16le(b, o) : u16be(b, o);
  // A dataset without meta starts with a low group (0008 in practice); anything else is not DICOM.
  return group >= 0x0002 && group <= 0x0010 && group % 2 === 0;
}

export function detectLayout(b: Uint8Array): FileLayout {
  let start = 0;
  if (b.length >= 132 && hasMagic(b, 128)) start = 132;
  else if (b.length >= 4 && hasMagic(b, 0)) start = 4; // preamble missing, magic kept
  const { end, tsUid } = readMeta(b, start);
  const hasMeta = end > start;
  if (start > 0 && end >= b.length) throw new DicomError('truncated: the file ends before its dataset');
  if (start === 0 && !hasMeta) {
    const le = plausibleFirstElement(b, 0, true);
    if (!le && !plausibleFirstElement(b, 0, false)) throw new DicomError('not a DICOM file');
    return {
      metaOffset: 0,
      datasetOffset: 0,
      transferSyntaxUid: null,
      littleEndian: le,
      explicitVr: ALL_VRS.has(vrAt(b, 4)),
      deflated: false,
    };
  }
  if (tsUid === TS.deflatedExplicitLittle) {
    return {
      metaOffset: start,
      datasetOffset: end,
      transferSyntaxUid: tsUid,
      littleEndian: true,
      explicitVr: true,
      deflated: true,
    };
  }
  // Without a declared syntax, the first element's group number tells the byte order.
  const littleEndian = tsUid === null ? !plausibleFirstElement(b, end, false) : tsUid !== TS.explicitBig;
  // Trust the bytes over the declared syntax for explicit/implicit VR (pydicom does the same).
  const explicitVr = end + 6 <= b.length ? ALL_VRS.has(vrAt(b, end + 4)) : tsUid !== TS.implicitLittle;
  return {
    metaOffset: start,
    datasetOffset: end,
    transferSyntaxUid: tsUid,
    littleEndian,
    explicitVr,
    deflated: false,
  };
}

/** The transfer syntax that describes how the pixel data is stored, when the file meta names none. */
export function effectiveTransferSyntax(layout: FileLayout): string | null {
  if (layout.transferSyntaxUid !== null) return layout.transferSyntaxUid;
  if (!layout.littleEndian) return TS.explicitBig;
  return layout.explicitVr ? TS.explicitLittle : TS.implicitLittle;
}
