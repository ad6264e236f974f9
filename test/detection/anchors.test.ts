import { describe, expect, it } from 'vitest';
import { generateAnchors, gridSizes } from '../../src/shared/detection';
import type { AnchorInput as AnchorSettings } from '../../src/shared/detection/anchors';
import { kerasFixture, maxAbsDiff, torchvisionFixture } from './fixtures';

describe('torchvision anchors (AnchorGenerator, torchvision 0.14)', () => {
  const settings = torchvisionFixture.anchorSettings;

  it('match the exact scaled sizes (x · 2^(k/3)) at 128 px', () => {
    const want = torchvisionFixture.anchors.exact128;
    const got = generateAnchors(settings, 128);
    expect(got.perLevel).toEqual(want.perLevel);
    expect(maxAbsDiff(got.anchors, want.anchors)).toBeLessThanOrEqual(1e-4);
  });

  it("match retinanet_resnet50_fpn's truncated sizes (32, 40, 50, …) at 128 and 100 px", () => {
    for (const want of [torchvisionFixture.anchors.default128, torchvisionFixture.anchors.default100]) {
      const got = generateAnchors(settings, want.imageSize, { scaledSizes: 'truncate' });
      expect(got.perLevel).toEqual(want.perLevel);
      expect(maxAbsDiff(got.anchors, want.anchors)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('the two size conventions differ (a manifest must say which)', () => {
    const exact = generateAnchors(settings, 128).anchors;
    const truncated = generateAnchors(settings, 128, { scaledSizes: 'truncate' }).anchors;
    expect(maxAbsDiff(exact, truncated)).toBe(1);
  });

  it('put the first anchors of a level at the cell corner, ratio-major', () => {
    const { anchors } = generateAnchors(settings, 128);
    // Ratio 0.5 (h/w), scale 1 at cell (0, 0): w = 32·√2, h = 32/√2, rounded.
    expect(Array.from(anchors.subarray(0, 4))).toEqual([-23, -11, 23, 11]);
    // Second cell along x: shifted by the stride 8.
    expect(Array.from(anchors.subarray(36, 40))).toEqual([-15, -11, 31, 11]);
  });
});

describe('keras-retinanet anchors (utils/anchors.py)', () => {
  const settings = kerasFixture.anchorSettings;

  it('match the port at 128 and 100 px', () => {
    for (const want of [kerasFixture.anchors.default128, kerasFixture.anchors.default100]) {
      const got = generateAnchors(settings, want.imageSize);
      expect(got.perLevel).toEqual(want.perLevel);
      expect(maxAbsDiff(got.anchors, want.anchors)).toBeLessThanOrEqual(1e-3);
    }
  });

  it('centre anchors in their cells', () => {
    const { anchors } = generateAnchors(settings, 128);
    for (let a = 0; a < 9; a++) {
      expect((anchors[4 * a]! + anchors[4 * a + 2]!) / 2).toBeCloseTo(4, 4);
      expect((anchors[4 * a + 1]! + anchors[4 * a + 3]!) / 2).toBeCloseTo(4, 4);
    }
  });
});

describe('gridSizes', () => {
  it('is ceil(input / stride)', () => {
    const s: AnchorSettings = {
      convention: 'torchvision',
      sizes: [32, 64],
      strides: [8, 16],
      scales: [1],
      aspectRatios: [1],
    };
    expect(gridSizes(s, 100)).toEqual([13, 7]);
    expect(generateAnchors(s, 100).perLevel).toEqual([169, 49]);
  });
});
