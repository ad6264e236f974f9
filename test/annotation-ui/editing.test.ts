import { describe, expect, it } from 'vitest';
import {
  boxAt,
  boxFromDrag,
  copyTargetSlice,
  handleAt,
  handlePoint,
  HANDLES,
  interpolationPartner,
  moveBox,
  resizeBox,
  type SlicedBox,
} from '../../src/shared/annotation/editing';
import { interpolateBoxes } from '../../src/shared/annotation/geometry';
import type { DicomPixelBox } from '../../src/shared/reference/schemas';

const image = { cols: 100, rows: 80 };
const box = (x1: number, y1: number, x2: number, y2: number): DicomPixelBox => ({
  space: 'dicom-pixel',
  x1,
  y1,
  x2,
  y2,
});
const unit = { x: 1, y: 1 };

describe('boxFromDrag', () => {
  it('orders the corners of a drag in any direction', () => {
    expect(boxFromDrag({ x: 30, y: 40 }, { x: 10, y: 20 }, image)).toEqual(box(10, 20, 30, 40));
  });
  it('clamps to the image', () => {
    expect(boxFromDrag({ x: -5, y: 70 }, { x: 20, y: 95 }, image)).toEqual(box(0, 70, 20, 80));
  });
  it('draws nothing for a click or a thin drag', () => {
    expect(boxFromDrag({ x: 10, y: 10 }, { x: 10.5, y: 30 }, image)).toBeNull();
    expect(boxFromDrag({ x: 10, y: 10 }, { x: 10, y: 10 }, image)).toBeNull();
    expect(boxFromDrag({ x: 10, y: 10 }, { x: 12, y: 12 }, image, 2)).toEqual(box(10, 10, 12, 12));
  });
  it('draws nothing entirely outside the image', () => {
    expect(boxFromDrag({ x: 120, y: 10 }, { x: 140, y: 30 }, image)).toBeNull();
  });
});

describe('handles and resize', () => {
  const b = box(10, 20, 30, 60);
  it('puts the 8 handles on corners and edge midpoints', () => {
    expect(HANDLES.map((h) => handlePoint(b, h))).toEqual([
      { x: 10, y: 20 },
      { x: 20, y: 20 },
      { x: 30, y: 20 },
      { x: 30, y: 40 },
      { x: 30, y: 60 },
      { x: 20, y: 60 },
      { x: 10, y: 60 },
      { x: 10, y: 40 },
    ]);
  });
  it('moves only the dragged edges', () => {
    expect(resizeBox(b, 'se', 5, -10, image)).toEqual(box(10, 20, 35, 50));
    expect(resizeBox(b, 'n', 5, -10, image)).toEqual(box(10, 10, 30, 60));
    expect(resizeBox(b, 'w', 5, -10, image)).toEqual(box(15, 20, 30, 60));
    expect(resizeBox(b, 'nw', -3, -4, image)).toEqual(box(7, 16, 30, 60));
  });
  it('never flips the box or leaves it smaller than the minimum', () => {
    expect(resizeBox(b, 'e', -50, 0, image, 2)).toEqual(box(10, 20, 12, 60));
    expect(resizeBox(b, 'n', 0, 100, image, 2)).toEqual(box(10, 58, 30, 60));
  });
  it('stops at the image edge', () => {
    expect(resizeBox(b, 'se', 500, 500, image)).toEqual(box(10, 20, 100, 80));
    expect(resizeBox(b, 'nw', -500, -500, image)).toEqual(box(0, 0, 30, 60));
  });
  it('moves a box whole and stops it at the edge', () => {
    expect(moveBox(b, 5, 5, image)).toEqual(box(15, 25, 35, 65));
    expect(moveBox(b, 100, 100, image)).toEqual(box(80, 40, 100, 80));
  });
});

describe('hit testing', () => {
  const b = box(10, 20, 30, 60);
  it('finds a handle within the tolerance in screen pixels', () => {
    expect(handleAt(b, { x: 31, y: 61 }, unit, 4)).toBe('se');
    expect(handleAt(b, { x: 20, y: 19 }, unit, 4)).toBe('n');
    expect(handleAt(b, { x: 20, y: 40 }, unit, 4)).toBeNull();
    // At 4 screen pixels per image pixel, 2 image pixels away is 8 screen pixels: too far.
    expect(handleAt(b, { x: 32, y: 60 }, { x: 4, y: 4 }, 6)).toBeNull();
    expect(handleAt(b, { x: 31, y: 60 }, { x: 4, y: 4 }, 6)).toBe('se');
  });
  it('picks the smallest box under the point', () => {
    const big = { id: 1, box: box(0, 0, 50, 50) };
    const small = { id: 2, box: box(10, 10, 20, 20) };
    expect(boxAt([big, small], { x: 15, y: 15 }, unit, 0)?.id).toBe(2);
    expect(boxAt([small, big], { x: 15, y: 15 }, unit, 0)?.id).toBe(2);
    expect(boxAt([big, small], { x: 40, y: 40 }, unit, 0)?.id).toBe(1);
    expect(boxAt([big, small], { x: 70, y: 40 }, unit, 0)).toBeNull();
    expect(boxAt([small], { x: 22, y: 15 }, unit, 3)?.id).toBe(2);
  });
});

describe('copy and interpolation', () => {
  it('copies within the series only', () => {
    expect(copyTargetSlice(3, 1, 10)).toBe(4);
    expect(copyTargetSlice(3, -1, 10)).toBe(2);
    expect(copyTargetSlice(9, 1, 10)).toBeNull();
    expect(copyTargetSlice(0, -1, 10)).toBeNull();
  });
  it('interpolates each corner linearly by slice index', () => {
    const out = interpolateBoxes(
      { sliceIndex: 6, box: box(20, 20, 40, 40) },
      { sliceIndex: 2, box: box(0, 0, 20, 20) },
    );
    expect(out).toEqual([
      { sliceIndex: 3, box: box(5, 5, 25, 25) },
      { sliceIndex: 4, box: box(10, 10, 30, 30) },
      { sliceIndex: 5, box: box(15, 15, 35, 35) },
    ]);
  });
  it('picks the nearest key box of the same label on another slice', () => {
    const b = (id: number, sliceIndex: number, label: string, x = 0): SlicedBox => ({
      id,
      sliceIndex,
      label,
      box: box(x, 0, x + 10, 10),
    });
    const from = b(1, 5, 'DVT');
    const boxes = [from, b(2, 5, 'DVT'), b(3, 9, 'vein'), b(4, 1, 'DVT'), b(5, 8, 'DVT', 50), b(6, 8, 'DVT')];
    expect(interpolationPartner(from, boxes)?.id).toBe(6);
    expect(interpolationPartner(from, [from, b(2, 5, 'DVT')])).toBeNull();
  });
});
