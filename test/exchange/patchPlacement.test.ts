// Where training patches lie on a slice: hand-checkable geometry at scale 1 (0.695 mm pixels), then
// edges, small slices, veins, clipping and anisotropic pixels.
import { describe, expect, it } from 'vitest';
import {
  boxInPatch,
  cutPatch,
  patchGrid,
  patchOrigin,
  placeSlicePatches,
  type LabelledBox,
  type PatchSliceGeometry,
} from '../../src/shared/exchange/patchPlacement';

const box = (label: string, x1: number, y1: number, x2: number, y2: number): LabelledBox => ({
  label,
  box: { space: 'dicom-pixel', x1, y1, x2, y2 },
});
const at = (cols: number, rows: number, colSpacingMm: number | null, rowSpacingMm = colSpacingMm) =>
  ({ cols, rows, colSpacingMm, rowSpacingMm }) satisfies PatchSliceGeometry;
const OPTS = { size: 128, pixelSpacingMm: 0.695, classes: ['DVT'] };

describe('patchGrid', () => {
  it('scales by spacing / 0.695 along each axis and assumes 0.695 mm when unstated', () => {
    expect(patchGrid(at(512, 512, 0.977), 0.695)).toEqual({
      scaleX: 0.977 / 0.695,
      scaleY: 0.977 / 0.695,
      width: 720,
      height: 720,
    });
    expect(patchGrid(at(512, 400, null), 0.695)).toEqual({ scaleX: 1, scaleY: 1, width: 512, height: 400 });
  });
});

describe('patchOrigin', () => {
  it('centres, rounds and stays inside the slice (or at 0 on a slice smaller than the patch)', () => {
    expect(patchOrigin(110, 128, 512)).toBe(46);
    expect(patchOrigin(110.4, 128, 512)).toBe(46);
    expect(patchOrigin(110.5, 128, 512)).toBe(47);
    expect(patchOrigin(10, 128, 512)).toBe(0);
    expect(patchOrigin(505, 128, 512)).toBe(384);
    expect(patchOrigin(30, 128, 64)).toBe(0);
  });
});

describe('placeSlicePatches', () => {
  it('centres a patch on a target box and gives the box in patch pixels', () => {
    const [p, ...rest] = placeSlicePatches(at(512, 512, 0.695), [box('DVT', 100, 100, 120, 120)], OPTS);
    expect(rest).toEqual([]);
    expect(p).toEqual({
      centredOn: { label: 'DVT', box: [100, 100, 120, 120] },
      origin: { x: 46, y: 46 },
      boxes: [{ label: 'DVT', box: [54, 54, 74, 74] }],
    });
  });

  it('moves patches at the slice edges inside it', () => {
    const patches = placeSlicePatches(
      at(512, 512, 0.695),
      [box('DVT', 2, 500, 12, 510), box('DVT', 495, 3, 505, 13)],
      OPTS,
    );
    // Sorted by position (y first): the box at the top comes first.
    expect(patches.map((p) => p.origin)).toEqual([
      { x: 384, y: 0 },
      { x: 0, y: 384 },
    ]);
    expect(patches[0]!.boxes).toEqual([{ label: 'DVT', box: [111, 3, 121, 13] }]);
    expect(patches[1]!.boxes).toEqual([{ label: 'DVT', box: [2, 116, 12, 126] }]);
  });

  it('puts a slice smaller than the patch at origin 0 (the rest is padding)', () => {
    // 100 pixels of 0.5 mm: 72 resampled pixels.
    const [p] = placeSlicePatches(at(100, 100, 0.5), [box('DVT', 80, 10, 90, 20)], OPTS);
    const s = 0.5 / 0.695;
    expect(p!.origin).toEqual({ x: 0, y: 0 });
    expect(p!.boxes[0]!.box).toEqual([80 * s, 10 * s, 90 * s, 20 * s]);
  });

  it('skips a vein box that contains a target centre, and centres on any other vein', () => {
    const patches = placeSlicePatches(
      at(512, 512, 0.695),
      [box('vein', 90, 90, 130, 130), box('DVT', 100, 100, 120, 120), box('vein', 300, 300, 340, 340)],
      OPTS,
    );
    expect(patches.map((p) => [p.centredOn.label, p.origin])).toEqual([
      ['DVT', { x: 46, y: 46 }],
      ['vein', { x: 256, y: 256 }],
    ]);
    // A vein patch carries the targets it holds (none here); veins themselves are never targets.
    expect(patches[1]!.boxes).toEqual([]);
  });

  it('gives a vein-only slice its vein patches, and ignores other labels', () => {
    const patches = placeSlicePatches(
      at(512, 512, 0.695),
      [box('vein', 300, 300, 340, 340), box('lymph_node', 100, 100, 120, 120)],
      OPTS,
    );
    expect(patches).toEqual([
      { centredOn: { label: 'vein', box: [300, 300, 340, 340] }, origin: { x: 256, y: 256 }, boxes: [] },
    ]);
  });

  it('emits a window once when two boxes give the same origin', () => {
    // Both near the top-left corner: both patches are clamped to (0, 0).
    const patches = placeSlicePatches(
      at(512, 512, 0.695),
      [box('DVT', 10, 10, 20, 20), box('DVT', 30, 5, 40, 15), box('vein', 40, 40, 50, 50)],
      OPTS,
    );
    expect(patches).toHaveLength(1);
    expect(patches[0]!.centredOn.box).toEqual([30, 5, 40, 15]);
    expect(patches[0]!.boxes.map((b) => b.box)).toEqual([
      [30, 5, 40, 15],
      [10, 10, 20, 20],
    ]);
  });

  it('clips other targets to the patch and keeps those with at least minBoxFraction inside', () => {
    // Patch of the first box: 46…174 on both axes.
    const boxes = [
      box('DVT', 100, 100, 120, 120),
      box('DVT', 160, 100, 180, 120),
      box('DVT', 170, 130, 190, 150),
    ];
    const [p] = placeSlicePatches(at(512, 512, 0.695), boxes, OPTS);
    // 14 of 20 columns inside (70 %): kept, clipped; 4 of 20 (20 %): dropped.
    expect(p!.boxes).toEqual([
      { label: 'DVT', box: [54, 54, 74, 74] },
      { label: 'DVT', box: [114, 54, 128, 74] },
    ]);
    const [loose] = placeSlicePatches(at(512, 512, 0.695), boxes, { ...OPTS, minBoxFraction: 0.2 });
    expect(loose!.boxes).toHaveLength(3);
    expect(loose!.boxes[2]!.box).toEqual([124, 84, 128, 104]);
  });

  it('maps anisotropic pixels per axis, and the boxes map back to DICOM pixels', () => {
    // Columns 1.39 mm apart (scale 2), rows 0.695 mm (scale 1): a 1024 × 512 resampled grid.
    const g = at(512, 512, 1.39, 0.695);
    const [p] = placeSlicePatches(g, [box('DVT', 100, 100, 110, 110)], OPTS);
    expect(p!.origin).toEqual({ x: 146, y: 41 });
    const [x1, y1, x2, y2] = p!.boxes[0]!.box;
    expect([x1, y1, x2, y2]).toEqual([54, 59, 74, 69]);
    expect([(x1 + 146) / 2, (y1 + 41) / 1, (x2 + 146) / 2, (y2 + 41) / 1]).toEqual([100, 100, 110, 110]);
  });

  it('numbers patches the same whatever order the boxes come in', () => {
    const boxes = [
      box('DVT', 300, 50, 320, 70),
      box('vein', 200, 400, 240, 440),
      box('DVT', 100, 200, 120, 220),
    ];
    const a = placeSlicePatches(at(512, 512, 0.695), boxes, OPTS);
    const b = placeSlicePatches(at(512, 512, 0.695), [...boxes].reverse(), OPTS);
    expect(b).toEqual(a);
    expect(a.map((p) => p.centredOn.box[1])).toEqual([50, 200, 400]);
  });

  it('moves each patch by the seeded jitter, whole pixels within ±maxPx, and keeps its target inside', () => {
    const dvt = box('DVT', 246, 300, 266, 316);
    const centred = placeSlicePatches(at(512, 512, 0.695), [dvt], OPTS)[0]!;
    // random 0 → −maxPx, 0.75 → +maxPx / 2 (x first, then y).
    const values = [0, 0.75];
    const moved = placeSlicePatches(at(512, 512, 0.695), [dvt], {
      ...OPTS,
      jitter: { maxPx: 32, random: () => values.shift()! },
    })[0]!;
    expect(moved.origin).toEqual({ x: centred.origin.x - 32, y: centred.origin.y + 16 });
    expect(moved.boxes).toEqual([
      {
        label: 'DVT',
        box: [246 - moved.origin.x, 300 - moved.origin.y, 266 - moved.origin.x, 316 - moved.origin.y],
      },
    ]);
    const again = (seed: number) =>
      placeSlicePatches(at(512, 512, 0.695), [dvt], {
        ...OPTS,
        jitter: {
          maxPx: 32,
          random: (
            (s) => () =>
              (s = (s * 16807) % 2147483647) / 2147483647
          )(seed),
        },
      })[0]!.origin;
    expect(again(5)).toEqual(again(5));
    const o = again(11);
    expect(Math.abs(o.x - centred.origin.x)).toBeLessThanOrEqual(32);
    expect(Math.abs(o.y - centred.origin.y)).toBeLessThanOrEqual(32);
  });

  it('refuses a bad patch size or fraction', () => {
    expect(() => placeSlicePatches(at(64, 64, null), [], { ...OPTS, size: 0 })).toThrow(/size/);
    expect(() => placeSlicePatches(at(64, 64, null), [], { ...OPTS, minBoxFraction: 2 })).toThrow(
      /minBoxFraction/,
    );
  });
});

describe('boxInPatch', () => {
  const grid = patchGrid(at(512, 512, null), 0.695);
  it('drops a box that only touches the patch, even at fraction 0', () => {
    expect(boxInPatch(box('DVT', 128, 0, 140, 10).box, grid, { x: 0, y: 0 }, 128, 0)).toBeNull();
    expect(boxInPatch(box('DVT', 120, 0, 140, 10).box, grid, { x: 0, y: 0 }, 128, 0)).toEqual([
      120, 0, 128, 10,
    ]);
  });
});

describe('cutPatch', () => {
  it('cuts the square at the origin and pads outside the plane', () => {
    // A 3 × 2 plane, cut 4 × 4 at (1, 0): two columns and two rows inside.
    const plane = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(cutPatch(plane, 3, 2, { x: 1, y: 0 }, 4, -60))).toEqual([
      2, 3, -60, -60, 5, 6, -60, -60, -60, -60, -60, -60, -60, -60, -60, -60,
    ]);
    expect(Array.from(cutPatch(plane, 3, 2, { x: 0, y: 1 }, 2, 0))).toEqual([4, 5, 0, 0]);
    expect(() => cutPatch(plane, 2, 2, { x: 0, y: 0 }, 2, 0)).toThrow(/expected/);
  });
});
