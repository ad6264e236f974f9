import { describe, expect, it } from 'vitest';
import { DEFAULT_TILE_STRIDE, tileGrid, tileOrigins } from '../../src/shared/preprocessing/tiling';

describe('tileOrigins', () => {
  it('steps by the stride and adds a last tile flush with the far edge', () => {
    expect(tileOrigins(720, 128, DEFAULT_TILE_STRIDE)).toEqual([0, 96, 192, 288, 384, 480, 576, 592]);
  });

  it('adds no extra tile when the grid ends exactly at the edge', () => {
    expect(tileOrigins(224, 128, 96)).toEqual([0, 96]);
    expect(tileOrigins(128, 128, 96)).toEqual([0]);
    expect(tileOrigins(512, 128, 128)).toEqual([0, 128, 256, 384]);
  });

  it('gives one padded tile at 0 for a plane shorter than the tile', () => {
    expect(tileOrigins(100, 128, 96)).toEqual([0]);
    expect(tileOrigins(1, 128, 96)).toEqual([0]);
  });

  it('abuts tiles at stride = tile and refuses a stride beyond the tile', () => {
    expect(tileOrigins(300, 128, 128)).toEqual([0, 128, 172]);
    expect(() => tileOrigins(300, 128, 200)).toThrow(RangeError);
  });

  it('covers every pixel with ascending, distinct origins inside the plane', () => {
    for (const length of [129, 200, 511, 512, 719, 720, 721]) {
      for (const stride of [1, 64, 96, 127, 128]) {
        const o = tileOrigins(length, 128, stride);
        expect(new Set(o).size).toBe(o.length);
        expect(o.every((v, i) => i === 0 || v > (o[i - 1] as number))).toBe(true);
        expect(o[0]).toBe(0);
        expect((o.at(-1) as number) + 128).toBe(length);
        for (let i = 1; i < o.length; i++)
          expect((o[i] as number) - (o[i - 1] as number)).toBeLessThanOrEqual(stride);
      }
    }
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => tileOrigins(0, 128, 96)).toThrow(RangeError);
    expect(() => tileOrigins(720, 128, 0)).toThrow(RangeError);
    expect(() => tileOrigins(720, 12.5, 10)).toThrow(RangeError);
  });
});

describe('tileGrid', () => {
  it('lists origins row by row', () => {
    expect(tileGrid(300, 200, 128, 128)).toEqual([
      { x: 0, y: 0 },
      { x: 128, y: 0 },
      { x: 172, y: 0 },
      { x: 0, y: 72 },
      { x: 128, y: 72 },
      { x: 172, y: 72 },
    ]);
    expect(tileGrid(720, 720, 128, 96)).toHaveLength(64);
  });
});
