// Sequential (baseline/extended) Huffman JPEG decoder for 12-bit samples. No maintained JavaScript
// decoder reproduces IJG libjpeg's 12-bit output (pdf.js's JpegImage returns 8-bit data), so this
// follows libjpeg's own steps: Huffman decoding as jdhuff.c, the islow IDCT (jpegIdct.ts) and no
// colour conversion, as GDCM decodes DICOM JPEG Extended. GDCM also writes non-standard 16-bit
// lossy JPEG; we refuse it: where its encoder overflowed we could not reproduce GDCM's output.
import type { DecodedImage } from './decodedImage';
import { idctIslow, rangeLimit } from './jpegIdct';

// Zig-zag to natural order, padded so corrupt run lengths land on coefficient 63 (as in libjpeg).
const NATURAL_ORDER = new Uint8Array([
  0,
  1,
  8,
  16,
  9,
  2,
  3,
  10,
  17,
  24,
  32,
  25,
  18,
  11,
  4,
  5,
  12,
  19,
  26,
  33,
  40,
  48,
  41,
  34,
  27,
  20,
  13,
  6,
  7,
  14,
  21,
  28,
  35,
  42,
  49,
  56,
  57,
  50,
  43,
  36,
  29,
  22,
  15,
  23,
  30,
  37,
  44,
  51,
  58,
  59,
  52,
  45,
  38,
  31,
  39,
  46,
  53,
  60,
  61,
  54,
  47,
  55,
  62,
  63,
  ...new Array<number>(16).fill(63),
]);

interface HuffmanTable {
  maxCode: Int32Array; // per code length 1..16, -1 when none
  valOffset: Int32Array;
  values: Uint8Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    valOffset[len] = k - code;
    if (n > 0) {
      code += n;
      k += n;
      maxCode[len] = code - 1;
    }
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff; // libjpeg's sentinel: a code longer than 16 bits is corrupt data
  return { maxCode, valOffset, values };
}

interface Component {
  id: number;
  quantTable: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  /** 64 per block, natural order, not yet dequantised; stored as libjpeg's JCOEF, a C short. */
  coefficients: Int16Array;
  dcTable?: HuffmanTable;
  acTable?: HuffmanTable;
  pred: number;
}

/** Entropy-coded data reader; past the data (or at a marker) it yields zero bits, as libjpeg does. */
class BitReader {
  private bits = 0;
  private count = 0;
  marker = 0;
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
  ) {}

  private fill(): void {
    let byte = 0;
    if (this.marker === 0 && this.pos < this.b.length) {
      byte = this.b[this.pos++]!;
      if (byte === 0xff) {
        let next = this.b[this.pos] ?? 0;
        while (next === 0xff) next = this.b[++this.pos] ?? 0; // fill bytes
        this.pos++;
        if (next !== 0) {
          this.marker = next;
          byte = 0;
        }
      }
    }
    this.bits = ((this.bits << 8) | byte) & 0xffffff;
    this.count += 8;
  }

  bit(): number {
    if (this.count === 0) this.fill();
    this.count--;
    return (this.bits >> this.count) & 1;
  }

  receive(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | this.bit();
    return v;
  }

  decode(t: HuffmanTable): number {
    let code = this.bit();
    let len = 1;
    while (code > t.maxCode[len]!) {
      code = (code << 1) | this.bit();
      if (++len > 16) return 0; // corrupt: libjpeg warns and uses 0
    }
    return t.values[(code + t.valOffset[len]!) & 0xff] ?? 0;
  }

  /** Discards buffered bits and consumes an RSTn marker (for restart intervals). */
  restart(): void {
    this.bits = 0;
    this.count = 0;
    if (this.marker === 0) {
      while (
        this.pos + 1 < this.b.length &&
        !(
          this.b[this.pos] === 0xff &&
          (this.b[this.pos + 1] ?? 0) >= 0xd0 &&
          (this.b[this.pos + 1] ?? 0) <= 0xd7
        )
      )
        this.pos++;
      this.pos += 2;
    } else if (this.marker >= 0xd0 && this.marker <= 0xd7) {
      this.marker = 0;
    }
  }

  /** Position of the next marker after this scan's data. */
  end(): number {
    if (this.marker !== 0) return this.pos - 2;
    while (this.pos + 1 < this.b.length && !(this.b[this.pos] === 0xff && this.b[this.pos + 1] !== 0))
      this.pos++;
    return this.pos;
  }
}

const extend = (v: number, s: number): number => (v < 1 << (s - 1) ? v - (1 << s) + 1 : v);

function decodeBlock(r: BitReader, c: Component, block: number): void {
  const out = c.coefficients;
  const base = block * 64;
  const t = r.decode(c.dcTable!);
  c.pred += t === 0 ? 0 : extend(r.receive(t), t);
  out[base] = c.pred;
  for (let k = 1; k < 64; k++) {
    const rs = r.decode(c.acTable!);
    const run = rs >> 4;
    const s = rs & 15;
    if (s !== 0) {
      k += run;
      out[base + NATURAL_ORDER[k]!] = extend(r.receive(s), s);
    } else {
      if (run !== 15) break;
      k += 15;
    }
  }
}

export function decodeJpegExtended(b: Uint8Array): DecodedImage {
  const quant: Uint16Array[] = [];
  const dc: HuffmanTable[] = [];
  const ac: HuffmanTable[] = [];
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let precision = 0;
  let restartInterval = 0;
  let pos = 2;
  const u16 = (o: number): number => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new Error('not a JPEG stream (no SOI marker)');

  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) throw new Error(`JPEG marker expected at byte ${pos}`);
    const marker = b[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd9) break; // EOI
    const length = u16(pos + 2);
    const seg = pos + 4;
    const segEnd = pos + 2 + length;
    if (marker === 0xdb) {
      for (let p = seg; p < segEnd;) {
        const wide = b[p]! >> 4;
        const table = new Uint16Array(64);
        for (let i = 0; i < 64; i++) table[NATURAL_ORDER[i]!] = wide ? u16(p + 1 + 2 * i) : b[p + 1 + i]!;
        quant[b[p]! & 15] = table;
        p += 1 + (wide ? 128 : 64);
      }
    } else if (marker === 0xc4) {
      for (let p = seg; p < segEnd;) {
        const counts = b.subarray(p + 1, p + 17);
        const n = counts.reduce((a, v) => a + v, 0);
        const table = buildHuffman(counts, b.subarray(p + 17, p + 17 + n));
        (b[p]! >> 4 === 0 ? dc : ac)[b[p]! & 15] = table;
        p += 17 + n;
      }
    } else if (marker === 0xdd) {
      restartInterval = u16(seg);
    } else if (marker === 0xc0 || marker === 0xc1) {
      precision = b[seg]!;
      if (precision !== 12 && precision !== 16)
        throw new Error(`${precision}-bit lossy JPEG is not supported here`);
      height = u16(seg + 1);
      width = u16(seg + 3);
      const n = b[seg + 5]!;
      const sampling = new Set<number>();
      components = [];
      for (let i = 0; i < n; i++) {
        sampling.add(b[seg + 7 + i * 3]!);
        components.push({
          id: b[seg + 6 + i * 3]!,
          quantTable: b[seg + 8 + i * 3]!,
          blocksPerLine: Math.ceil(width / 8),
          blocksPerColumn: Math.ceil(height / 8),
          coefficients: new Int16Array(0),
          pred: 0,
        });
      }
      // With equal sampling factors every component is full size and an MCU holds one block each.
      if (sampling.size > 1) throw new Error('subsampled JPEG with more than 8 bits is not supported');
      for (const c of components) c.coefficients = new Int16Array(c.blocksPerLine * c.blocksPerColumn * 64);
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new Error(
        `JPEG process with SOF marker FF${marker.toString(16).toUpperCase()} is not supported for more than 8 bits`,
      );
    } else if (marker === 0xda) {
      if (components.length === 0) throw new Error('JPEG scan before frame header');
      const scan: Component[] = [];
      for (let i = 0; i < b[seg]!; i++) {
        const c = components.find((x) => x.id === b[seg + 1 + i * 2]);
        if (!c) throw new Error('JPEG scan names an unknown component');
        const sel = b[seg + 2 + i * 2]!;
        c.dcTable = dc[sel >> 4];
        c.acTable = ac[sel & 15];
        if (!c.dcTable || !c.acTable) throw new Error('JPEG scan uses an undefined Huffman table');
        c.pred = 0;
        scan.push(c);
      }
      // Spectral selection / approximation values are ignored for sequential JPEG, as libjpeg does.
      pos = decodeScan(b, segEnd, scan, restartInterval);
      continue;
    }
    pos = segEnd;
  }
  if (components.length === 0) throw new Error('JPEG stream has no frame');
  return toImage(components, quant, width, height, precision);
}

function decodeScan(b: Uint8Array, start: number, scan: Component[], restartInterval: number): number {
  const r = new BitReader(b, start);
  const first = scan[0]!;
  const blocks = first.blocksPerLine * first.blocksPerColumn;
  for (let block = 0, mcu = 0; block < blocks; block++, mcu++) {
    if (restartInterval > 0 && mcu === restartInterval) {
      r.restart();
      for (const c of scan) c.pred = 0;
      mcu = 0;
    }
    for (const c of scan) decodeBlock(r, c, block);
  }
  return r.end();
}

function toImage(
  components: Component[],
  quant: Uint16Array[],
  width: number,
  height: number,
  precision: number,
): DecodedImage {
  const n = components.length;
  const out = new Uint16Array(width * height * n);
  const block = new Float64Array(64);
  const range = rangeLimit(precision);
  components.forEach((c, ci) => {
    const q = quant[c.quantTable];
    if (!q) throw new Error('JPEG component uses an undefined quantisation table');
    const stride = c.blocksPerLine * 8;
    const plane = new Uint16Array(stride * c.blocksPerColumn * 8);
    for (let by = 0; by < c.blocksPerColumn; by++) {
      for (let bx = 0; bx < c.blocksPerLine; bx++) {
        const base = (by * c.blocksPerLine + bx) * 64;
        for (let i = 0; i < 64; i++) block[i] = c.coefficients[base + i]! * q[i]!;
        idctIslow(block, plane, by * 8 * stride + bx * 8, stride, range);
      }
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) out[(y * width + x) * n + ci] = plane[y * stride + x]!;
    }
  });
  return {
    data: new Uint8Array(out.buffer),
    bytesPerSample: 2,
    width,
    height,
    componentCount: n,
    bitsPerSample: precision,
    isSigned: false,
    planar: false,
  };
}
