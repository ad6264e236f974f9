import { describe, expect, it } from 'vitest';
import {
  canvasToImage,
  fitToView,
  imageToCanvas,
  MAX_SCALE,
  panBy,
  pixelAspect,
  pixelAt,
  resizeView,
  zoomAt,
  type Viewport,
} from '../../src/shared/imaging/viewport';

const image = { cols: 4, rows: 2 };

describe('fitToView', () => {
  it('scales a 4×2 image into a 100×100 view, centred vertically', () => {
    expect(fitToView(image, { width: 100, height: 100 })).toEqual({
      scale: 25,
      aspect: 1,
      offsetX: 0,
      offsetY: 25,
    });
  });

  it('keeps non-square pixels their shape', () => {
    // Rows twice as far apart as columns: the 4×2 image is as tall as it is wide.
    expect(fitToView(image, { width: 100, height: 50 }, 2)).toEqual({
      scale: 12.5,
      aspect: 2,
      offsetX: 25,
      offsetY: 0,
    });
  });
});

describe('canvas ↔ image', () => {
  const vp: Viewport = { scale: 10, aspect: 1, offsetX: 5, offsetY: 20 };

  it('maps the image origin and pixel centres', () => {
    expect(imageToCanvas(vp, 0, 0)).toEqual({ x: 5, y: 20 });
    expect(canvasToImage(vp, 20, 45)).toEqual({ x: 1.5, y: 2.5 });
  });

  it('round-trips', () => {
    const p = canvasToImage(vp, 123.4, 56.7);
    const c = imageToCanvas(vp, p.x, p.y);
    expect(c.x).toBeCloseTo(123.4, 10);
    expect(c.y).toBeCloseTo(56.7, 10);
  });

  it('finds the pixel under a point, and none outside the image', () => {
    expect(pixelAt(vp, 5, 20, image)).toEqual({ col: 0, row: 0 });
    expect(pixelAt(vp, 44.9, 39.9, image)).toEqual({ col: 3, row: 1 });
    expect(pixelAt(vp, 45, 30, image)).toBeNull();
    expect(pixelAt(vp, 4.9, 30, image)).toBeNull();
  });
});

describe('zoom and pan', () => {
  const vp: Viewport = { scale: 10, aspect: 1, offsetX: 0, offsetY: 0 };

  it('zooms about the cursor, which keeps pointing at the same image point', () => {
    const z = zoomAt(vp, 2, 30, 10);
    expect(z.scale).toBe(20);
    expect(canvasToImage(z, 30, 10)).toEqual(canvasToImage(vp, 30, 10));
    expect(z).toEqual({ scale: 20, aspect: 1, offsetX: -30, offsetY: -10 });
  });

  it('limits the zoom', () => {
    expect(zoomAt(vp, 1000, 0, 0).scale).toBe(MAX_SCALE);
  });

  it('pans and keeps the centre on resize', () => {
    expect(panBy(vp, 3, -4)).toEqual({ scale: 10, aspect: 1, offsetX: 3, offsetY: -4 });
    expect(resizeView(vp, { width: 100, height: 100 }, { width: 120, height: 80 })).toEqual({
      scale: 10,
      aspect: 1,
      offsetX: 10,
      offsetY: -10,
    });
  });

  it('reads the pixel aspect from PixelSpacing [row, col]', () => {
    expect(pixelAspect([0.8, 0.4])).toBe(2);
    expect(pixelAspect(null)).toBe(1);
    expect(pixelAspect([0, 1])).toBe(1);
  });
});
