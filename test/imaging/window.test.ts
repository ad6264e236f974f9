import { describe, expect, it } from 'vitest';
import {
  BONE_WINDOW,
  buildWindowLut,
  dragWindow,
  fillWindowLut,
  greyAt,
  LUT_OFFSET,
  SOFT_TISSUE_WINDOW,
  VENOUS_WINDOW,
  windowGrey,
  windowToRgba,
} from '../../src/shared/imaging/window';

describe('windowGrey', () => {
  // Venous window 140/400: black at −60 HU, white at 340 HU, one grey step per 400/255 HU.
  it('maps the window edges to black and white and the level to 128', () => {
    expect(windowGrey(-60, VENOUS_WINDOW)).toBe(0);
    expect(windowGrey(340, VENOUS_WINDOW)).toBe(255);
    expect(windowGrey(140, VENOUS_WINDOW)).toBe(128); // 127.5 rounds up
  });

  it('clamps outside the window', () => {
    expect(windowGrey(-1000, VENOUS_WINDOW)).toBe(0);
    expect(windowGrey(3000, VENOUS_WINDOW)).toBe(255);
  });

  it('follows the documented formula on hand-checked values', () => {
    // (40 − (−60)) / 400 × 255 = 63.75 → 64
    expect(windowGrey(40, VENOUS_WINDOW)).toBe(64);
    // soft tissue 40/400: (0 − (−160)) / 400 × 255 = 102
    expect(windowGrey(0, SOFT_TISSUE_WINDOW)).toBe(102);
    // bone 480/2500: (1000 − (−770)) / 2500 × 255 = 180.54 → 181
    expect(windowGrey(1000, BONE_WINDOW)).toBe(181);
    // width 1, level 0: −0.5 is black, 0.5 white
    expect(windowGrey(-1, { level: 0, width: 1 })).toBe(0);
    expect(windowGrey(0, { level: 0, width: 1 })).toBe(128);
    expect(windowGrey(1, { level: 0, width: 1 })).toBe(255);
  });

  it('never returns −0', () => {
    expect(Object.is(windowGrey(-61, VENOUS_WINDOW), 0)).toBe(true);
  });
});

describe('window LUT', () => {
  it('agrees with windowGrey for every Int16 value', () => {
    for (const w of [
      VENOUS_WINDOW,
      SOFT_TISSUE_WINDOW,
      BONE_WINDOW,
      { level: 0.5, width: 3 },
      { level: -40000, width: 10 },
    ]) {
      const lut = buildWindowLut(w);
      for (let hu = -32768; hu <= 32767; hu += 1) {
        if (lut[hu + LUT_OFFSET] !== windowGrey(hu, w))
          throw new Error(`LUT differs at ${hu} for ${JSON.stringify(w)}`);
      }
    }
  });

  it('refills in place', () => {
    const lut = buildWindowLut(VENOUS_WINDOW);
    const same = fillWindowLut(lut, BONE_WINDOW);
    expect(same).toBe(lut);
    expect(lut[1000 + LUT_OFFSET]).toBe(181);
    expect(() => fillWindowLut(new Uint8Array(10), BONE_WINDOW)).toThrow(/65536/);
  });
});

describe('windowToRgba', () => {
  it('writes opaque grey pixels from Int16 slices through the LUT', () => {
    const hu = Int16Array.from([-60, 140, 340, 40]);
    const out = new Uint8ClampedArray(16);
    windowToRgba(hu, buildWindowLut(VENOUS_WINDOW), VENOUS_WINDOW, out);
    expect([...out]).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 64, 64, 64, 255]);
  });

  it('uses the formula for Float32 slices', () => {
    const hu = Float32Array.from([139.6, 40.5]);
    const out = new Uint8Array(8);
    windowToRgba(hu, buildWindowLut(VENOUS_WINDOW), VENOUS_WINDOW, out);
    // (199.6 / 400) × 255 = 127.245 → 127; (100.5 / 400) × 255 = 64.07 → 64
    expect([...out]).toEqual([127, 127, 127, 255, 64, 64, 64, 255]);
    expect(greyAt(hu, 0, new Uint8Array(0), VENOUS_WINDOW)).toBe(127);
  });

  it('refuses an output of the wrong size', () => {
    expect(() =>
      windowToRgba(new Int16Array(2), buildWindowLut(VENOUS_WINDOW), VENOUS_WINDOW, new Uint8Array(4)),
    ).toThrow();
  });
});

describe('dragWindow', () => {
  it('widens to the right, raises the level downward, and keeps the width at least 1', () => {
    expect(dragWindow(VENOUS_WINDOW, 10, -5)).toEqual({ level: 130, width: 420 });
    expect(dragWindow(VENOUS_WINDOW, -1000, 0).width).toBe(1);
  });
});
