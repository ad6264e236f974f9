import { TextDecoder } from 'node:util';
import type { RawDataset, RawElement } from './daikonAdapter';

/** Element key as used in RawDataset.elements. */
export const tag = (group: number, element: number): number => ((group << 16) | element) >>> 0;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Reads element values by the type we expect, whatever VR the file (or a dictionary) gave them. */
export class ValueReader {
  private readonly view: DataView;
  private readonly text: TextDecoder;

  constructor(private readonly ds: RawDataset) {
    this.view = new DataView(ds.bytes.buffer, ds.bytes.byteOffset, ds.bytes.byteLength);
    // Only ISO_IR 192 (UTF-8) needs more than Latin-1 among the character sets seen on CT scanners.
    this.text = /ISO_IR 192/.test(this.rawString(tag(0x0008, 0x0005), latin1)) ? utf8 : latin1;
  }

  element(key: number): RawElement | undefined {
    return this.ds.elements.get(key);
  }

  private rawString(key: number, decoder: TextDecoder): string {
    const e = this.ds.elements.get(key);
    if (!e || e.valueLength === 0) return '';
    return decoder.decode(this.ds.bytes.subarray(e.valueOffset, e.valueOffset + e.valueLength));
  }

  /** Text value with padding (spaces, NULs) removed; all values joined by backslash. */
  string(key: number): string {
    return this.rawString(key, this.text)
      .replace(/[\0\s]+$/, '')
      .replace(/^\s+/, '');
  }

  /** Like string(), but null when the element is absent or empty. */
  optionalString(key: number): string | null {
    const s = this.string(key);
    return s === '' ? null : s;
  }

  /** Numbers of a DS or IS value; NaN for a value that does not parse. */
  decimals(key: number): number[] {
    const s = this.string(key);
    if (s === '') return [];
    return s.split('\\').map((v) => (v.trim() === '' ? NaN : Number(v.trim())));
  }

  /** First number of a DS/IS value, or null when absent or not a finite number. */
  decimal(key: number): number | null {
    const v = this.decimals(key)[0];
    return v !== undefined && Number.isFinite(v) ? v : null;
  }

  /** Exactly `n` finite numbers, or null. */
  decimalTuple(key: number, n: number): number[] | null {
    const v = this.decimals(key);
    return v.length === n && v.every(Number.isFinite) ? v : null;
  }

  /** First value of a US (or UL, by length) element, or null when absent. */
  unsigned(key: number): number | null {
    const e = this.ds.elements.get(key);
    if (!e) return null;
    const le = this.ds.littleEndian;
    if (e.valueLength >= 4 && (e.vr === 'UL' || (e.vr !== 'US' && e.valueLength === 4))) {
      return this.view.getUint32(e.valueOffset, le);
    }
    if (e.valueLength >= 2 && e.vr !== 'IS') return this.view.getUint16(e.valueOffset, le);
    // An IS value where a US was expected (seen in hand-made files).
    return this.decimal(key);
  }
}
