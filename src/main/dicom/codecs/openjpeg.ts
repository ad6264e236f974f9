// JPEG 2000 through @cornerstonejs/codec-openjpeg (OpenJPEG compiled to WebAssembly).
import type { DecodedImage } from './decodedImage';
import { LazyModule, newDecoder, runDecoder, type EmbindDecoder } from './emscripten';

const openjpeg = new LazyModule(
  '@cornerstonejs/codec-openjpeg/decodewasmjs',
  '@cornerstonejs/codec-openjpeg/decodewasm',
);

export function decodeJpeg2000(encoded: Uint8Array): DecodedImage {
  const { data, info } = openjpeg.use((m) => runDecoder(newDecoder<EmbindDecoder>(m, 'J2KDecoder'), encoded));
  return { data, ...info, bytesPerSample: info.bitsPerSample > 8 ? 2 : 1, planar: false };
}
