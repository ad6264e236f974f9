import { describe, expect, it } from 'vitest';
import { ModelInput } from '../../src/shared/model/manifest';
import { channelSliceIndices, patchLength, writePatch } from '../../src/shared/preprocessing/patchTensor';

function input(overrides: Partial<ModelInput> = {}): ModelInput {
  return ModelInput.parse({
    name: 'images',
    layout: 'NCHW',
    size: 16,
    slices: 3,
    channels: ['z-1', 'z', 'z+1'],
    pixelSpacingMm: 0.695,
    window: { level: 140, width: 400 },
    // value = (grey/255 − 0.5) / 0.5: grey 0 → −1, 255 → 1, 51 → −0.6.
    scale: 1,
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    ...overrides,
  });
}

describe('channelSliceIndices', () => {
  it('gives z − 1, z, z + 1 for a 3-slice model, repeating edge slices', () => {
    const three = input();
    expect(channelSliceIndices(three, 5, 10)).toEqual([4, 5, 6]);
    expect(channelSliceIndices(three, 0, 10)).toEqual([0, 0, 1]);
    expect(channelSliceIndices(three, 9, 10)).toEqual([8, 9, 9]);
    expect(channelSliceIndices(three, 0, 1)).toEqual([0, 0, 0]);
  });

  it('follows the tensor channel order', () => {
    const reversed = input({ channels: ['z+1', 'z', 'z-1'] });
    expect(channelSliceIndices(reversed, 5, 10)).toEqual([6, 5, 4]);
    expect(channelSliceIndices(reversed, 0, 10)).toEqual([1, 0, 0]);
    expect(channelSliceIndices(reversed, 9, 10)).toEqual([9, 9, 8]);
  });

  it('repeats slice z for a 1-slice model', () => {
    expect(channelSliceIndices(input({ slices: 1, channels: ['z', 'z', 'z'] }), 0, 10)).toEqual([0, 0, 0]);
    expect(channelSliceIndices(input({ slices: 1, channels: ['z', 'z', 'z'] }), 9, 10)).toEqual([9, 9, 9]);
    expect(channelSliceIndices(input({ slices: 1, channels: ['z'] }), 4, 10)).toEqual([4]);
    expect(channelSliceIndices(input({ slices: 1, channels: ['z'] }), 0, 1)).toEqual([0]);
  });
});

describe('writePatch', () => {
  const S = 16;
  const W = 20;
  const H = 10;
  // Channel c, pixel (x, y) has grey 51·c + (x === y ? 255 − 51·c : 0): hand-checkable values.
  const planes = [0, 1, 2].map((c) => {
    const p = new Uint8Array(W * H).fill(51 * c);
    for (let i = 0; i < H; i++) p[i * W + i] = 255;
    return p;
  });
  const valueOf = (grey: number): number => (grey / 255 - 0.5) / 0.5;

  it('writes NCHW at b·C·S² + c·S² + y·S + x, padding outside the plane with grey 0', () => {
    const nchw = input();
    const t = new Float32Array(2 * patchLength(nchw)).fill(Number.NaN);
    const origin = { x: 8, y: 0 };
    writePatch(t, 1, planes, W, H, origin, nchw);
    expect(t.subarray(0, patchLength(nchw)).every(Number.isNaN)).toBe(true); // item 0 untouched
    const at = (c: number, y: number, x: number): number => t[S * S * 3 + c * S * S + y * S + x] as number;
    expect(at(0, 0, 0)).toBeCloseTo(-1); // plane (8, 0), channel 0: grey 0
    expect(at(1, 0, 0)).toBeCloseTo(-0.6); // grey 51
    expect(at(2, 0, 0)).toBeCloseTo(-0.2); // grey 102
    expect(at(1, 9, 1)).toBeCloseTo(1); // plane (9, 9) is on the diagonal: grey 255
    expect(at(2, 9, 11)).toBeCloseTo(-0.2); // plane (19, 9): last pixel inside
    expect(at(2, 9, 12)).toBeCloseTo(-1); // plane (20, 9): beyond the right edge
    expect(at(1, 10, 0)).toBeCloseTo(-1); // plane (8, 10): below the bottom edge
    expect(at(2, 15, 15)).toBeCloseTo(-1);
    expect(Array.from(t).some(Number.isNaN)).toBe(true);
    expect(t.subarray(patchLength(nchw)).every((v) => !Number.isNaN(v))).toBe(true);
  });

  it('writes NHWC at b·S²·C + (y·S + x)·C + c with the same values', () => {
    const nchw = input();
    const nhwc = input({ layout: 'NHWC' });
    const a = new Float32Array(patchLength(nchw));
    const b = new Float32Array(2 * patchLength(nhwc));
    const origin = { x: 4, y: 2 };
    writePatch(a, 0, planes, W, H, origin, nchw);
    writePatch(b, 1, planes, W, H, origin, nhwc);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const grey = x + 4 < W && y + 2 < H ? (x + 4 === y + 2 ? 255 : 51 * c) : 0;
          const expected = valueOf(grey);
          expect(a[c * S * S + y * S + x]).toBeCloseTo(expected, 6);
          expect(b[S * S * 3 + (y * S + x) * 3 + c]).toBeCloseTo(expected, 6);
        }
      }
    }
  });

  it('applies each channel its own mean, std and scale', () => {
    // keras caffe style: 0…255 minus a BGR mean.
    const caffe = input({ scale: 255, mean: [100, 110, 120], std: [1, 1, 2] });
    const t = new Float32Array(patchLength(caffe));
    writePatch(t, 0, planes, W, H, { x: 0, y: 0 }, caffe);
    expect(t[0]).toBeCloseTo(255 - 100, 4); // (0, 0) is on the diagonal
    expect(t[S * S + 1]).toBeCloseTo(51 - 110, 4);
    expect(t[2 * S * S + 1]).toBeCloseTo((102 - 120) / 2, 4);
    expect(t[2 * S * S + S * S - 1]).toBeCloseTo((0 - 120) / 2, 4); // padding
  });

  it('takes one plane for a 1-channel model', () => {
    const one = input({ slices: 1, channels: ['z'] });
    const t = new Float32Array(patchLength(one));
    expect(t.length).toBe(S * S);
    writePatch(t, 0, [planes[1] as Uint8Array], W, H, { x: 0, y: 0 }, one);
    expect(t[1]).toBeCloseTo(-0.6);
  });

  it('rejects mismatched planes, batch items and origins', () => {
    const nchw = input();
    const t = new Float32Array(patchLength(nchw));
    expect(() => writePatch(t, 0, planes.slice(0, 2), W, H, { x: 0, y: 0 }, nchw)).toThrow(RangeError);
    expect(() => writePatch(t, 1, planes, W, H, { x: 0, y: 0 }, nchw)).toThrow(RangeError);
    expect(() => writePatch(t, 0, planes, W + 1, H, { x: 0, y: 0 }, nchw)).toThrow(RangeError);
    expect(() => writePatch(t, 0, planes, W, H, { x: 0.5, y: 0 }, nchw)).toThrow(RangeError);
  });
});
