import { describe, expect, it } from 'vitest';
import { isEmptyTile } from '../../src/main/inference/runSeries';

describe('isEmptyTile', () => {
  const width = 10;
  const height = 8;
  const plane = (lit?: [number, number]): Uint8Array => {
    const p = new Uint8Array(width * height);
    if (lit) p[lit[1] * width + lit[0]] = 1;
    return p;
  };

  it('is empty only when every channel is black inside the tile', () => {
    expect(isEmptyTile([plane(), plane(), plane()], width, height, { x: 0, y: 0 }, 4)).toBe(true);
    expect(isEmptyTile([plane(), plane([3, 3]), plane()], width, height, { x: 0, y: 0 }, 4)).toBe(false);
    // A lit pixel just outside the tile does not count.
    expect(isEmptyTile([plane([4, 0])], width, height, { x: 0, y: 0 }, 4)).toBe(true);
    expect(isEmptyTile([plane([4, 0])], width, height, { x: 4, y: 0 }, 4)).toBe(false);
  });

  it('looks only at the part of a tile that lies on the plane (the rest is black padding)', () => {
    expect(isEmptyTile([plane([9, 7])], width, height, { x: 8, y: 6 }, 4)).toBe(false);
    expect(isEmptyTile([plane([7, 7])], width, height, { x: 8, y: 6 }, 4)).toBe(true);
  });
});
