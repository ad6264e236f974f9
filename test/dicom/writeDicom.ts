// A minimal DICOM writer for tests: Part 10 (or raw) files in explicit/implicit little endian.

export interface TestElement {
  /** (group << 16 | element) */
  tag: number;
  vr: string;
  value: string | number[] | Uint8Array;
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function valueBytes(vr: string, value: TestElement['value']): Uint8Array {
  if (value instanceof Uint8Array) return value.length % 2 ? Uint8Array.from([...value, 0]) : value;
  if (typeof value === 'string') {
    const s = value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value;
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  }
  const out = new Uint8Array(value.length * 2);
  const view = new DataView(out.buffer);
  value.forEach((v, i) => view.setUint16(i * 2, v, true));
  return out;
}

function encode(elements: TestElement[], explicit: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of [...elements].sort((a, b) => a.tag - b.tag)) {
    const v = valueBytes(e.vr, e.value);
    const long = !explicit || LONG_VRS.has(e.vr);
    const head = new Uint8Array(explicit && long ? 12 : 8);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, e.tag >>> 16, true);
    dv.setUint16(2, e.tag & 0xffff, true);
    if (explicit) {
      head[4] = e.vr.charCodeAt(0);
      head[5] = e.vr.charCodeAt(1);
      if (long) dv.setUint32(8, v.length, true);
      else dv.setUint16(6, v.length, true);
    } else {
      dv.setUint32(4, v.length, true);
    }
    parts.push(head, v);
  }
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A Part 10 file (preamble, meta, dataset), or just the dataset when `raw`. */
export function writeDicom(
  elements: TestElement[],
  options: { implicit?: boolean; raw?: boolean } = {},
): Uint8Array {
  const ts = options.implicit ? '1.2.840.10008.1.2' : '1.2.840.10008.1.2.1';
  const dataset = encode(elements, !options.implicit);
  if (options.raw) return dataset;
  const meta = encode(
    [
      { tag: 0x00020001, vr: 'OB', value: Uint8Array.of(0, 1) },
      { tag: 0x00020002, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
      { tag: 0x00020003, vr: 'UI', value: '1.2.3.4.5' },
      { tag: 0x00020010, vr: 'UI', value: ts },
    ],
    true,
  );
  const length = Uint8Array.of(meta.length & 0xff, meta.length >> 8, 0, 0); // UL value, little endian
  const groupLength = encode([{ tag: 0x00020000, vr: 'UL', value: length }], true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, groupLength, meta, dataset]);
}

/** A small signed 16-bit CT slice with the given pixel values (rows x columns). */
export function ctSlice(
  rows: number,
  columns: number,
  pixels: Int16Array,
  extra: TestElement[] = [],
): TestElement[] {
  return [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5' },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x00100010, vr: 'PN', value: 'Test^Patient' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.3.4' },
    { tag: 0x0020000e, vr: 'UI', value: '1.2.3.4.1' },
    { tag: 0x00200013, vr: 'IS', value: '7' },
    { tag: 0x00200032, vr: 'DS', value: '-250\\-250.5\\100.25' },
    { tag: 0x00200037, vr: 'DS', value: '1\\0\\0\\0\\1\\0' },
    { tag: 0x00280002, vr: 'US', value: [1] },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: [rows] },
    { tag: 0x00280011, vr: 'US', value: [columns] },
    { tag: 0x00280030, vr: 'DS', value: '0.7\\0.8' },
    { tag: 0x00280100, vr: 'US', value: [16] },
    { tag: 0x00280101, vr: 'US', value: [12] },
    { tag: 0x00280102, vr: 'US', value: [11] },
    { tag: 0x00280103, vr: 'US', value: [1] },
    { tag: 0x00281052, vr: 'DS', value: '-1024' },
    { tag: 0x00281053, vr: 'DS', value: '1' },
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength) },
    ...extra,
  ];
}
