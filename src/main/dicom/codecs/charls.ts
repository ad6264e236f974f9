// JPEG-LS through @cornerstonejs/codec-charls (CharLS in WebAssembly).
import type { DecodedImage } from './decodedImage';
import { LazyModule, newDecoder, runDecoder, type EmbindDecoder } from './emscripten';

const charls = new LazyModule(
  '@cornerstonejs/codec-charls/decodewasmjs',
  '@cornerstonejs/codec-charls/decodewasm',
);

interface JpegLsDecoder extends EmbindDecoder {
  getInterleaveMode(): number;
}

export function decodeJpegLs(encoded: Uint8Array): DecodedImage {
  let interleave = 0;
  const { data, info } = charls.use((m) =>
    runDecoder(newDecoder<JpegLsDecoder>(m, 'JpegLSDecoder'), encoded, (d) => {
      interleave = typeof d.getInterleaveMode === 'function' ? d.getInterleaveMode() : 0;
    }),
  );
  // CharLS writes interleave mode "none" one component plane after another.
  const planar = info.componentCount > 1 && interleave === 0;
  return { data, ...info, bytesPerSample: info.bitsPerSample > 8 ? 2 : 1, isSigned: false, planar };
}
