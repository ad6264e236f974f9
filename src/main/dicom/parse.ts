import { parseDataset, type RawDataset } from './daikonAdapter';
import { decodeCompressedFrame } from './compressed';
import { readEncapsulated, frameBytes, type Encapsulated } from './encapsulated';
import { DicomError, describeThrown } from './errors';
import { PIXEL_DATA, readHeader } from './header';
import { detectLayout, effectiveTransferSyntax } from './layout';
import { decodeNativeFrame } from './native';
import { describeTransferSyntax, pixelEncoding } from './transferSyntax';
import type { DicomHeader, ParsedDicom, StoredPixels } from './types';

class Parsed implements ParsedDicom {
  private encapsulated: Encapsulated | null = null;

  constructor(
    readonly header: DicomHeader,
    private readonly ds: RawDataset,
    private readonly pixelTs: string | null,
    /** Frames may be views into borrowed bytes (see ParseOptions.borrow). */
    private readonly borrowed = false,
  ) {}

  decodeFrame(frame = 0): StoredPixels {
    const h = this.header;
    const ts = describeTransferSyntax(this.pixelTs);
    const fail = (why: string, cause?: unknown): DicomError =>
      new DicomError(`cannot decode pixel data (${ts}): ${why}`, this.pixelTs, { cause });
    const pixel = this.ds.elements.get(PIXEL_DATA);
    if (!pixel || pixel.valueLength === 0) throw fail('the file has no pixel data');
    if (!Number.isInteger(frame) || frame < 0 || frame >= h.numberOfFrames) {
      throw fail(
        `frame ${frame} does not exist (${h.numberOfFrames} frame${h.numberOfFrames === 1 ? '' : 's'})`,
      );
    }
    if (h.rows <= 0 || h.columns <= 0 || h.samplesPerPixel <= 0) throw fail('the header gives no image size');
    const encoding = pixelEncoding(this.pixelTs);
    if (encoding === 'unsupported') throw fail('this transfer syntax is not supported');
    const value = this.ds.bytes.subarray(pixel.valueOffset, pixel.valueOffset + pixel.valueLength);
    try {
      if (encoding === 'native' && !pixel.undefinedLength) {
        return decodeNativeFrame(h, value, this.ds.littleEndian, frame, this.borrowed);
      }
      if (encoding === 'native' || !pixel.undefinedLength) {
        throw new Error(
          pixel.undefinedLength
            ? 'encapsulated pixel data in an uncompressed transfer syntax'
            : 'compressed pixel data is not encapsulated',
        );
      }
      this.encapsulated ??= readEncapsulated(
        this.ds.bytes,
        pixel.valueOffset,
        pixel.valueOffset + pixel.valueLength,
      );
      const bytes = frameBytes(this.encapsulated, h.numberOfFrames, frame);
      return decodeCompressedFrame(h, encoding, bytes, this.encapsulated.fragments[0] ?? bytes);
    } catch (e) {
      if (e instanceof DicomError && e.transferSyntaxUid !== null) throw e;
      throw fail(e instanceof DicomError ? e.reason : describeThrown(e), e);
    }
  }
}

export interface ParseOptions {
  /**
   * The caller lends its bytes for as long as it uses the result and the frames decoded from it:
   * no copy is made, and uncompressed little-endian frames come back as views into the bytes.
   * For loops that read many files into one reused buffer (no garbage per slice). The bytes must
   * fill their ArrayBuffer exactly; daikon may rewrite big-endian data in them.
   */
  borrow?: boolean;
}

/**
 * Parses a Part 10 file (or a raw dataset without preamble and meta) from bytes. The bytes are
 * copied first (unless borrowed): daikon reads `DataView.buffer` from offset 0, Node pools small
 * file buffers, and daikon rewrites big-endian data in place.
 */
export function parseDicom(bytes: Uint8Array, options: ParseOptions = {}): ParsedDicom {
  const borrow =
    options.borrow === true &&
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength;
  const copy = borrow ? bytes : Uint8Array.from(bytes);
  const layout = detectLayout(copy);
  const ds = parseDataset(copy, layout);
  const header = readHeader(ds, layout.transferSyntaxUid);
  return new Parsed(header, ds, effectiveTransferSyntax(layout), borrow);
}
