/** Transfer syntaxes this layer knows by name, and how their pixel data is stored. */
export const TS = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSv1: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  jpeg2000: '1.2.840.10008.1.2.4.91',
  rle: '1.2.840.10008.1.2.5',
} as const;

const NAMES: Record<string, string> = {
  [TS.implicitLittle]: 'Implicit VR Little Endian',
  [TS.explicitLittle]: 'Explicit VR Little Endian',
  [TS.deflatedExplicitLittle]: 'Deflated Explicit VR Little Endian',
  [TS.explicitBig]: 'Explicit VR Big Endian',
  [TS.jpegBaseline]: 'JPEG Baseline (Process 1)',
  [TS.jpegExtended]: 'JPEG Extended (Process 2 & 4)',
  [TS.jpegLossless]: 'JPEG Lossless (Process 14)',
  [TS.jpegLosslessSv1]: 'JPEG Lossless SV1 (Process 14, Selection Value 1)',
  [TS.jpegLsLossless]: 'JPEG-LS Lossless',
  [TS.jpegLsNearLossless]: 'JPEG-LS Near-Lossless',
  [TS.jpeg2000Lossless]: 'JPEG 2000 Lossless',
  [TS.jpeg2000]: 'JPEG 2000',
  [TS.rle]: 'RLE Lossless',
};

/** "JPEG 2000 (1.2.840.10008.1.2.4.91)", for error messages. */
export function describeTransferSyntax(uid: string | null): string {
  if (uid === null) return 'no transfer syntax (raw dataset)';
  const name = NAMES[uid];
  return name ? `${name} (${uid})` : `transfer syntax ${uid}`;
}

export type PixelEncoding = 'native' | 'jpeg' | 'jpegls' | 'jpeg2000' | 'rle' | 'unsupported';

/** How the pixel data of a transfer syntax is stored; `null` (raw dataset) means native. */
export function pixelEncoding(uid: string | null): PixelEncoding {
  switch (uid) {
    case null:
    case TS.implicitLittle:
    case TS.explicitLittle:
    case TS.deflatedExplicitLittle:
    case TS.explicitBig:
      return 'native';
    case TS.jpegBaseline:
    case TS.jpegExtended:
    case TS.jpegLossless:
    case TS.jpegLosslessSv1:
      return 'jpeg';
    case TS.jpegLsLossless:
    case TS.jpegLsNearLossless:
      return 'jpegls';
    case TS.jpeg2000Lossless:
    case TS.jpeg2000:
      return 'jpeg2000';
    case TS.rle:
      return 'rle';
    default:
      return 'unsupported';
  }
}
