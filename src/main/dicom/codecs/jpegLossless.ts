// Lossless JPEG (Process 14) through jpeg-lossless-decoder-js.
import { Decoder } from 'jpeg-lossless-decoder-js';
import type { DecodedImage } from './decodedImage';
import type { JpegFrameInfo } from './jpegMarkers';

export function decodeJpegLossless(encoded: Uint8Array, frame: JpegFrameInfo): DecodedImage {
  const bytesPerSample = frame.precision > 8 ? 2 : 1;
  if (bytesPerSample === 2 && frame.components > 1) {
    throw new Error('lossless JPEG with more than 8 bits and several components is not supported');
  }
  const out = new Decoder().decode(encoded.buffer, encoded.byteOffset, encoded.byteLength, bytesPerSample);
  return {
    data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
    bytesPerSample,
    width: frame.width,
    height: frame.height,
    componentCount: frame.components,
    bitsPerSample: frame.precision,
    isSigned: false,
    planar: false,
  };
}
