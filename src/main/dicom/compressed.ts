import { decodeJpegLs } from './codecs/charls';
import type { DecodedImage } from './codecs/decodedImage';
import { decodeJpegExtended } from './codecs/jpegExtended';
import { decodeJpegLossless } from './codecs/jpegLossless';
import { readJpegFrame, withoutColorTransform } from './codecs/jpegMarkers';
import { decodeJpeg8 } from './codecs/libjpegTurbo';
import { decodeJpeg2000 } from './codecs/openjpeg';
import { DicomError } from './errors';
import {
  convertSamples,
  fromLittleEndianBytes,
  interleave,
  samplesPerFrame,
  storedArrayType,
} from './pixelFormat';
import { decodeRle } from './rle';
import type { PixelEncoding } from './transferSyntax';
import type { DicomHeader, StoredPixels } from './types';

/** Picks the JPEG decoder by the stream's own frame header, not by the transfer syntax. */
function decodeJpeg(frame: Uint8Array, h: DicomHeader): DecodedImage {
  const info = readJpegFrame(frame);
  if (info.width !== h.columns || info.height !== h.rows || info.components !== h.samplesPerPixel) {
    throw new DicomError(
      `JPEG frame is ${info.width}x${info.height}x${info.components}, the header says ${h.columns}x${h.rows}x${h.samplesPerPixel}`,
    );
  }
  if (info.sof === 0xc3) return decodeJpegLossless(frame, info);
  if (info.precision <= 8 && (info.sof === 0xc0 || info.sof === 0xc1 || info.sof === 0xc2)) {
    return decodeJpeg8(info.components === 3 ? withoutColorTransform(frame) : frame);
  }
  if (info.precision === 12) return decodeJpegExtended(frame);
  throw new Error(
    `JPEG with SOF marker FF${info.sof.toString(16).toUpperCase()} and ${info.precision}-bit samples is not supported`,
  );
}

/** JPEG 2000 sign of the codestream's first component, as pydicom reads it (null for a JP2 file). */
function j2kSigned(frame: Uint8Array): { signed: boolean; precision: number } | null {
  if (frame[0] !== 0xff || frame[1] !== 0x4f || frame[2] !== 0xff || frame[3] !== 0x51) return null;
  const ssiz = frame[42] ?? 0;
  return { signed: (ssiz & 0x80) !== 0, precision: (ssiz & 0x7f) + 1 };
}

/**
 * pydicom (APPLY_J2K_CORRECTIONS) treats unsigned J2K data in a signed image as two's complement of
 * the codestream's precision (Bits Stored for a JP2 file), sign-extending it.
 */
function applyJ2kSignCorrection(h: DicomHeader, pixels: StoredPixels, firstFragment: Uint8Array): void {
  if (h.pixelRepresentation !== 1) return;
  const params = j2kSigned(firstFragment);
  if (params?.signed) return;
  const shift = h.bitsAllocated - (params?.precision ?? h.bitsStored);
  if (shift <= 0 || shift >= 32) return;
  const up = 32 - h.bitsAllocated + shift; // moves the sign bit of the codestream to bit 31
  for (let i = 0; i < pixels.length; i++) pixels[i] = (pixels[i]! << up) >> up;
}

function decodeWith(encoding: PixelEncoding, frame: Uint8Array, h: DicomHeader): DecodedImage {
  switch (encoding) {
    case 'jpeg':
      return decodeJpeg(frame, h);
    case 'jpegls':
      return decodeJpegLs(frame);
    case 'jpeg2000':
      return decodeJpeg2000(frame);
    default:
      throw new Error(`no decoder for ${encoding}`);
  }
}

/** Decodes one compressed frame to the header's stored-pixel type. */
export function decodeCompressedFrame(
  h: DicomHeader,
  encoding: PixelEncoding,
  frame: Uint8Array,
  firstFragment: Uint8Array,
): StoredPixels {
  const Type = storedArrayType(h);
  if (Type === null || h.bitsAllocated === 1)
    throw new DicomError(`Bits Allocated ${h.bitsAllocated} is not supported`);
  const count = samplesPerFrame(h);
  if (encoding === 'rle') {
    return fromLittleEndianBytes(
      Type,
      decodeRle(frame, h.rows * h.columns, h.samplesPerPixel, Type.BYTES_PER_ELEMENT),
      count,
    );
  }
  const image = decodeWith(encoding, frame, h);
  const decodedCount = image.width * image.height * image.componentCount;
  if (image.width !== h.columns || image.height !== h.rows || image.componentCount !== h.samplesPerPixel) {
    throw new DicomError(
      `decoded image is ${image.width}x${image.height}x${image.componentCount}, the header says ${h.columns}x${h.rows}x${h.samplesPerPixel}`,
    );
  }
  let pixels: StoredPixels;
  if (
    image.bytesPerSample === Type.BYTES_PER_ELEMENT &&
    image.data.length >= decodedCount * image.bytesPerSample
  ) {
    pixels = fromLittleEndianBytes(Type, image.data, count); // reinterpret, as numpy.frombuffer does
  } else {
    const Source =
      image.bytesPerSample === 2
        ? image.isSigned
          ? Int16Array
          : Uint16Array
        : image.isSigned
          ? Int8Array
          : Uint8Array;
    const d = image.data.byteOffset % 2 === 0 ? image.data : image.data.slice();
    pixels = convertSamples(Type, new Source(d.buffer as ArrayBuffer, d.byteOffset, decodedCount));
  }
  if (image.planar) pixels = interleave(pixels, h.samplesPerPixel);
  if (encoding === 'jpeg2000') applyJ2kSignCorrection(h, pixels, firstFragment);
  return pixels;
}
