import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../src/shared/ipc/wire';

describe('wire encoding', () => {
  it('carries typed arrays through JSON exactly', () => {
    const hu = new Int16Array([-1024, 0, 140, 3071, -32768, 32767]);
    const f = new Float32Array([0.5, -1.25, 1e-7]);
    const back = decodeWire(encodeWire({ ok: true, value: { hu, f, n: 3 } })) as {
      value: { hu: Int16Array; f: Float32Array; n: number };
    };
    expect(back.value.hu).toBeInstanceOf(Int16Array);
    expect([...back.value.hu]).toEqual([...hu]);
    expect([...back.value.f]).toEqual([...f]);
    expect(back.value.n).toBe(3);
  });

  it('encodes a view into a larger buffer by its own bytes only', () => {
    const big = new Int16Array([1, 2, 3, 4, 5]);
    const view = big.subarray(1, 3);
    expect([...(decodeWire(encodeWire(view)) as Int16Array)]).toEqual([2, 3]);
  });

  it('handles a 512×512 slice', () => {
    const hu = new Int16Array(512 * 512).map((_, i) => (i % 4000) - 1024);
    const back = decodeWire(encodeWire(hu)) as Int16Array;
    expect(back.length).toBe(hu.length);
    expect(back.every((v, i) => v === hu[i])).toBe(true);
  });

  it('carries Int32Array and Float64Array columns (evaluation datasets) exactly', () => {
    const image = new Int32Array([0, 0, 3, 2 ** 31 - 1, -(2 ** 31)]);
    const boxes = new Float64Array([0.25, 511.75, 1e-300, Math.PI, -0, Number.MAX_VALUE, NaN, Infinity]);
    const back = decodeWire(encodeWire({ columns: { image, boxes }, empty: new Float64Array(0) })) as {
      columns: { image: Int32Array; boxes: Float64Array };
      empty: Float64Array;
    };
    expect(back.columns.image).toBeInstanceOf(Int32Array);
    expect(back.columns.boxes).toBeInstanceOf(Float64Array);
    expect([...back.columns.image]).toEqual([...image]);
    expect(Object.is(back.columns.boxes[4], -0)).toBe(true);
    expect([...back.columns.boxes]).toEqual([...boxes]);
    expect(back.empty).toBeInstanceOf(Float64Array);
    expect(back.empty.length).toBe(0);
    // A view at an offset that is no multiple of 8 in its buffer comes back aligned and whole.
    const bytes = new Uint8Array(8 * 3 + 4);
    const odd = new Float64Array(bytes.buffer.slice(4), 0, 3);
    odd.set([1.5, -2.5, 3.5]);
    expect([...(decodeWire(encodeWire(odd)) as Float64Array)]).toEqual([1.5, -2.5, 3.5]);
  });

  it('leaves plain objects that merely look like a tag alone', () => {
    const value = { $typed: 'BigInt64Array', base64: 'AAAA' };
    expect(decodeWire(encodeWire(value))).toEqual(value);
  });
});
