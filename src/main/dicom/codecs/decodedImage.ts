/** What a codec produced, before conversion to the header's pixel type. */
export interface DecodedImage {
  /** Sample bytes in platform (little-endian) order, `bytesPerSample` bytes each. */
  data: Uint8Array;
  bytesPerSample: 1 | 2;
  width: number;
  height: number;
  componentCount: number;
  bitsPerSample: number;
  isSigned: boolean;
  /** True when components are stored one plane after another (JPEG-LS without interleave). */
  planar: boolean;
}
