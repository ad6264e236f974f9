import { describe, expect, it } from 'vitest';
import { tileBoxToDicom } from '../../src/shared/preprocessing/boxMapping';
import { resampleBilinear, resampleScale } from '../../src/shared/preprocessing/resample';

describe('tileBoxToDicom', () => {
  it('brings a box drawn on the DICOM grid back from tile pixels', () => {
    const sx = resampleScale(0.977, 0.695);
    const sy = resampleScale(0.8, 0.695);
    const dicom = { x1: 100.25, y1: 200, x2: 130.5, y2: 241 };
    const origin = { x: 96, y: 192 };
    // By hand: resampled coordinate = DICOM coordinate · scale, tile coordinate = that − origin.
    const tile = [dicom.x1 * sx - 96, dicom.y1 * sy - 192, dicom.x2 * sx - 96, dicom.y2 * sy - 192] as const;
    const back = tileBoxToDicom(...tile, origin, sx, sy, 512, 512);
    expect(back).not.toBeNull();
    expect(back?.space).toBe('dicom-pixel');
    expect(back?.x1).toBeCloseTo(dicom.x1, 9);
    expect(back?.y1).toBeCloseTo(dicom.y1, 9);
    expect(back?.x2).toBeCloseTo(dicom.x2, 9);
    expect(back?.y2).toBeCloseTo(dicom.y2, 9);
  });

  it('clips to the image and gives null when nothing is left', () => {
    const s = 2;
    expect(tileBoxToDicom(-10, -4, 20, 30, { x: 0, y: 0 }, s, s, 100, 50)).toEqual({
      space: 'dicom-pixel',
      x1: 0,
      y1: 0,
      x2: 10,
      y2: 15,
    });
    expect(tileBoxToDicom(50, 60, 120, 140, { x: 128, y: 0 }, s, s, 100, 50)).toEqual({
      space: 'dicom-pixel',
      x1: 89,
      y1: 30,
      x2: 100,
      y2: 50,
    });
    expect(tileBoxToDicom(10, 10, 20, 20, { x: 200, y: 0 }, s, s, 100, 50)).toBeNull(); // right of the image
    expect(tileBoxToDicom(-20, 5, -10, 9, { x: 0, y: 0 }, s, s, 100, 50)).toBeNull(); // left of it
    expect(tileBoxToDicom(10, 10, 10, 20, { x: 0, y: 0 }, s, s, 100, 50)).toBeNull(); // empty
    expect(tileBoxToDicom(Number.NaN, 10, 12, 20, { x: 0, y: 0 }, s, s, 100, 50)).toBeNull();
  });

  it('agrees with where resampling puts an edge', () => {
    // A step at DICOM x = 10 (between pixels 9 and 10) crosses half height at resampled x = 10 · scale.
    const w = 24;
    const src = new Int16Array(w * 2).map((_, i) => (i % w >= 10 ? 1000 : 0));
    const s = 1.4;
    const { data, width } = resampleBilinear(src, w, 2, s, 1);
    let crossing = Number.NaN;
    for (let d = 1; d < width; d++) {
      const a = data[d - 1] as number;
      const b = data[d] as number;
      // Output pixel d has its centre at d + 0.5.
      if (a < 500 && b >= 500) crossing = d - 0.5 + (500 - a) / (b - a);
    }
    expect(crossing).toBeCloseTo(10 * s, 6); // float32 output
    const box = tileBoxToDicom(crossing, 0, crossing + 7, 1, { x: 0, y: 0 }, s, 1, w, 2);
    expect(box?.x1).toBeCloseTo(10, 6);
  });
});
