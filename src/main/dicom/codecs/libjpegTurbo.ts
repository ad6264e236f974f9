// 8-bit lossy JPEG through @cornerstonejs/codec-libjpeg-turbo-8bit (libjpeg-turbo in WebAssembly).
import type { DecodedImage } from './decodedImage';
import { LazyModule, newDecoder, runDecoder, type EmbindDecoder } from './emscripten';

const libjpegTurbo = new LazyModule(
  '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
  '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
);

export function decodeJpeg8(encoded: Uint8Array): DecodedImage {
  const { data, info } = libjpegTurbo.use((m) =>
    runDecoder(newDecoder<EmbindDecoder>(m, 'JPEGDecoder'), encoded),
  );
  return { data, ...info, bytesPerSample: 1, isSigned: false, planar: false };
}
