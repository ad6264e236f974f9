// Reading the frame header of a JPEG stream, and the colour-transform patch for libjpeg.

export interface JpegFrameInfo {
  /** SOF marker low byte: 0xC0 baseline, 0xC1 extended, 0xC2 progressive, 0xC3 lossless, ... */
  sof: number;
  precision: number;
  width: number;
  height: number;
  components: number;
  /** Horizontal/vertical sampling factor per component. */
  sampling: { h: number; v: number }[];
}

const SOI = 0xd8;
const SOS = 0xda;

/** Walks the marker segments before the first scan; calls `visit` for each, stops when it returns true. */
function walkSegments(
  b: Uint8Array,
  visit: (marker: number, start: number, length: number) => boolean | void,
): void {
  if (b[0] !== 0xff || b[1] !== SOI) throw new Error('not a JPEG stream (no SOI marker)');
  let pos = 2;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) throw new Error(`JPEG marker expected at byte ${pos}`);
    const marker = b[pos + 1] ?? 0;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    const length = ((b[pos + 2] ?? 0) << 8) | (b[pos + 3] ?? 0);
    if (visit(marker, pos, length) === true || marker === SOS) return;
    pos += 2 + length;
  }
  throw new Error('JPEG stream ends before its first scan');
}

export function readJpegFrame(b: Uint8Array): JpegFrameInfo {
  let frame: JpegFrameInfo | null = null;
  walkSegments(b, (marker, start) => {
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (!isSof) return false;
    const at = (i: number): number => b[start + 4 + i] ?? 0;
    const components = at(5);
    const sampling = Array.from({ length: components }, (_, c) => ({
      h: at(7 + c * 3) >> 4,
      v: at(7 + c * 3) & 15,
    }));
    frame = {
      sof: marker,
      precision: at(0),
      height: (at(1) << 8) | at(2),
      width: (at(3) << 8) | at(4),
      components,
      sampling,
    };
    return true;
  });
  if (frame === null) throw new Error('JPEG stream has no frame header');
  return frame;
}

/**
 * A copy of the stream that makes libjpeg leave the colour components as they are: the JFIF marker
 * (which implies YCbCr) is renamed and an Adobe marker with transform 0 (no transform) is set or
 * added. GDCM, and so pydicom, decode DICOM JPEGs without colour conversion; this matches them.
 */
export function withoutColorTransform(b: Uint8Array): Uint8Array {
  const copy = b.slice();
  let adobeFound = false;
  walkSegments(copy, (marker, start, length) => {
    const id = String.fromCharCode(...copy.subarray(start + 4, start + 9));
    if (marker === 0xe0 && id === 'JFIF\0') copy[start + 4] = 0x58; // "XFIF": no longer JFIF
    if (marker === 0xee && length >= 14 && id === 'Adobe') {
      copy[start + 4 + 11] = 0; // transform: none
      adobeFound = true;
    }
  });
  if (adobeFound) return copy;
  const adobe = [
    0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00,
  ];
  const out = new Uint8Array(copy.length + adobe.length);
  out.set(copy.subarray(0, 2), 0);
  out.set(adobe, 2);
  out.set(copy.subarray(2), 2 + adobe.length);
  return out;
}
