import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VENOUS_WINDOW, windowGrey } from '../../src/shared/imaging/window';
import {
  resampleBilinear,
  resampledSize,
  resampleScale,
  windowPlane,
} from '../../src/shared/preprocessing/resample';

interface TorchCase {
  name: string;
  scaleX: number;
  scaleY: number;
  width: number;
  height: number;
  data: number[];
}
interface TorchFixture {
  width: number;
  height: number;
  input: number[];
  cases: TorchCase[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/preprocessing/resample_torch.json', import.meta.url), 'utf8'),
) as TorchFixture;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return m;
}

describe('resampleScale / resampledSize', () => {
  it('gives output pixels per input pixel and rounds the size', () => {
    const s = resampleScale(0.977, 0.695);
    expect(s).toBeCloseTo(1.40576, 5);
    expect(resampledSize(512, s)).toBe(720);
    expect(resampledSize(3, 0.1)).toBe(1);
    expect(resampledSize(5, 0.5)).toBe(3); // 2.5 rounds up, like Math.round
  });

  it('rejects non-positive spacings', () => {
    expect(() => resampleScale(0, 0.695)).toThrow(RangeError);
    expect(() => resampleScale(0.8, Number.NaN)).toThrow(RangeError);
  });
});

describe('resampleBilinear', () => {
  const input = Int16Array.from(fixture.input);

  it.each(fixture.cases.map((c) => [c.name, c] as const))('matches torch upsample_bilinear2d: %s', (_, c) => {
    const out = resampleBilinear(input, fixture.width, fixture.height, c.scaleX, c.scaleY);
    expect([out.width, out.height]).toEqual([c.width, c.height]);
    expect(out.data.length).toBe(c.data.length);
    expect(maxAbsDiff(out.data, c.data)).toBeLessThan(1e-3);
    // Float32 input takes the same path to the same numbers.
    const f = resampleBilinear(
      Float32Array.from(fixture.input),
      fixture.width,
      fixture.height,
      c.scaleX,
      c.scaleY,
    );
    expect(f.data).toEqual(out.data);
  });

  it('returns the input at scale 1', () => {
    const out = resampleBilinear(input, fixture.width, fixture.height, 1, 1);
    expect([out.width, out.height]).toEqual([fixture.width, fixture.height]);
    expect(Array.from(out.data)).toEqual(fixture.input);
  });

  it('keeps a constant image constant', () => {
    const src = new Int16Array(13 * 7).fill(-317);
    for (const [sx, sy] of [
      [1.40576, 1.40576],
      [0.6, 1.7],
      [2.5, 0.3],
    ] as const) {
      const out = resampleBilinear(src, 13, 7, sx, sy);
      expect(out.data.every((v) => v === -317)).toBe(true);
    }
  });

  it('reuses an output buffer of the right size and rejects a wrong one', () => {
    const buf = new Float32Array(resampledSize(29, 1.5) * resampledSize(37, 1.5));
    const out = resampleBilinear(input, 29, 37, 1.5, 1.5, buf);
    expect(out.data).toBe(buf);
    expect(() => resampleBilinear(input, 29, 37, 1.5, 1.5, new Float32Array(10))).toThrow(RangeError);
    expect(() => resampleBilinear(input, 30, 37, 1, 1)).toThrow(RangeError);
  });
});

describe('windowPlane', () => {
  it('equals windowGrey on every value', () => {
    const values: number[] = [];
    for (let hu = -1100; hu <= 400; hu += 0.25) values.push(hu);
    values.push(-60, -59.5, 139.5, 140, 340, 340.4, 1e6, -1e6, -0);
    const plane = Float32Array.from(values);
    const grey = windowPlane(plane, VENOUS_WINDOW);
    for (let i = 0; i < plane.length; i++) {
      expect(grey[i], `hu ${plane[i]}`).toBe(windowGrey(plane[i] as number, VENOUS_WINDOW));
    }
  });

  it('fills a given buffer and rejects a wrong size', () => {
    const buf = new Uint8Array(3);
    expect(windowPlane(Int16Array.from([-60, 140, 340]), VENOUS_WINDOW, buf)).toBe(buf);
    expect(Array.from(buf)).toEqual([0, 128, 255]);
    expect(() => windowPlane(new Float32Array(4), VENOUS_WINDOW, buf)).toThrow(RangeError);
  });
});
