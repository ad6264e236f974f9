import { describe, expect, it } from 'vitest';
import {
  createHuImage,
  ellipseSpans,
  fillSpans,
  replaceBelowSpans,
  softBlendSpans,
  spansBox,
  type PixelEllipse,
} from '../../src/main/phantom/raster';

const spans = new Int32Array(3 * 64);

function fill(e: PixelEllipse, value = 1) {
  const img = createHuImage(64, 64, 0);
  const n = ellipseSpans(e, 64, 64, spans);
  fillSpans(img, spans, n, value);
  return { img, box: spansBox(spans, n) };
}

describe('ellipse rasterising', () => {
  it('covers the pixels whose centres are inside, boxed in continuous pixel coordinates', () => {
    const { img, box } = fill({ cx: 15, cy: 15, rx: 5, ry: 5, angle: 0 });
    // Pixel columns 10..19 have centres within 4.5 of x = 15, so the box is [10, 20).
    expect(box).toEqual({ x1: 10, y1: 10, x2: 20, y2: 20 });
    expect(img.data[15 * 64 + 10]).toBe(1); // centre (10.5, 15.5): distance ≈ 4.53 < 5
    expect(img.data[10 * 64 + 10]).toBe(0); // corner (10.5, 10.5): distance ≈ 6.4
  });

  it('has an area close to π·rx·ry', () => {
    const { img } = fill({ cx: 32.3, cy: 31.7, rx: 12, ry: 7, angle: 0.6 });
    const area = img.data.reduce((a, v) => a + v, 0);
    expect(area).toBeGreaterThan(Math.PI * 12 * 7 * 0.95);
    expect(area).toBeLessThan(Math.PI * 12 * 7 * 1.05);
  });

  it('rotates: a quarter turn swaps the box extents', () => {
    const flat = fill({ cx: 32, cy: 32, rx: 12, ry: 4, angle: 0 }).box;
    const turned = fill({ cx: 32, cy: 32, rx: 12, ry: 4, angle: Math.PI / 2 }).box;
    expect(flat && turned).toBeTruthy();
    expect(turned!.x2 - turned!.x1).toBe(flat!.y2 - flat!.y1);
    expect(turned!.y2 - turned!.y1).toBe(flat!.x2 - flat!.x1);
  });

  it('clips to the image and reports nothing for shapes that miss every pixel centre', () => {
    const edge = fill({ cx: 0, cy: 0, rx: 5, ry: 5, angle: 0 }).box;
    expect(edge).toEqual({ x1: 0, y1: 0, x2: 5, y2: 5 });
    expect(fill({ cx: 10, cy: 10, rx: 0.2, ry: 0.2, angle: 0 }).box).toBeNull();
    expect(fill({ cx: -50, cy: 10, rx: 5, ry: 5, angle: 0 }).box).toBeNull();
  });
});

describe('paint operations', () => {
  it('replaceBelow changes only values under the threshold', () => {
    const img = createHuImage(64, 64, -100);
    img.data[32 * 64 + 32] = 50;
    const n = ellipseSpans({ cx: 32, cy: 32, rx: 6, ry: 6, angle: 0 }, 64, 64, spans);
    replaceBelowSpans(img, spans, n, -40, -20);
    expect(img.data[32 * 64 + 32]).toBe(50);
    expect(img.data[32 * 64 + 30]).toBe(-20);
    expect(img.data[0]).toBe(-100);
  });

  it('soft blend is full in the middle, fades to the edge and respects its guard', () => {
    const img = createHuImage(64, 64, 150);
    img.data[32 * 64 + 25] = 0; // below the guard: untouched
    const e = { cx: 32, cy: 32, rx: 8, ry: 8, angle: 0 };
    const n = ellipseSpans(e, 64, 64, spans);
    softBlendSpans(img, e, spans, n, 80, 0.4, 100);
    expect(img.data[31 * 64 + 31]).toBeCloseTo(80, 5);
    const mid = img.data[31 * 64 + 37] as number; // 5.5 px from the centre, between 0.4 and 1 of the radius
    expect(mid).toBeGreaterThan(80);
    expect(mid).toBeLessThan(150);
    expect(img.data[32 * 64 + 25]).toBe(0);
    expect(img.data[31 * 64 + 45]).toBe(150);
  });
});
