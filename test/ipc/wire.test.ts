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
});
