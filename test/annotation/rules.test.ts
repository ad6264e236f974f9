// The annotation rules and box geometry as plain functions, with hand-checkable inputs.
import { describe, expect, it } from 'vitest';
import {
  applyCaseUpdate,
  boxProblem,
  caseLockProblem,
  labelProblem,
  labelRemovalProblem,
  statusAfterBoxEdit,
} from '../../src/main/annotation/rules';
import {
  boxesOnSlice,
  boxFromCorners,
  boxInImage,
  clampBoxToImage,
  groupBoxesBySlice,
  interpolateBoxes,
  translateBoxWithin,
} from '../../src/shared/annotation/geometry';
import type { CaseState, ReaderId } from '../../src/shared/annotation/schemas';
import type { SeriesUid } from '../../src/shared/ids';

const px = (x1: number, y1: number, x2: number, y2: number) => ({
  space: 'dicom-pixel' as const,
  x1,
  y1,
  x2,
  y2,
});
const image = { rows: 100, cols: 200 };

describe('box geometry', () => {
  it('makes a box from a drag in any direction, none from a click', () => {
    expect(boxFromCorners(30, 40, 10, 5)).toEqual(px(10, 5, 30, 40));
    expect(boxFromCorners(3, 4, 3, 9)).toBeNull();
  });

  it('knows the image: [0, cols] × [0, rows], edges included', () => {
    expect(boxInImage(px(0, 0, 200, 100), image)).toBe(true);
    expect(boxInImage(px(0, 0, 200.01, 100), image)).toBe(false);
    expect(boxInImage(px(-0.01, 0, 1, 1), image)).toBe(false);
    expect(clampBoxToImage(px(-5, 90, 20, 120), image)).toEqual(px(0, 90, 20, 100));
    expect(clampBoxToImage(px(-5, -5, -1, -1), image)).toBeNull();
  });

  it('moves a box without letting it leave the image or shrink', () => {
    expect(translateBoxWithin(px(10, 10, 20, 30), 5, -3, image)).toEqual(px(15, 7, 25, 27));
    expect(translateBoxWithin(px(10, 10, 20, 30), 500, -30, image)).toEqual(px(190, 0, 200, 20));
  });

  it('interpolates corners linearly between two key slices, either way round', () => {
    const from = { sliceIndex: 2, box: px(0, 0, 10, 10) };
    const to = { sliceIndex: 6, box: px(4, 8, 18, 14) };
    const expected = [
      { sliceIndex: 3, box: px(1, 2, 12, 11) },
      { sliceIndex: 4, box: px(2, 4, 14, 12) },
      { sliceIndex: 5, box: px(3, 6, 16, 13) },
    ];
    expect(interpolateBoxes(from, to)).toEqual(expected);
    expect(interpolateBoxes(to, from)).toEqual(expected);
    expect(interpolateBoxes(from, { ...to, sliceIndex: 3 })).toEqual([]);
  });

  it("picks one slice's boxes, or groups them all by slice", () => {
    const boxes = [
      { sliceIndex: 1, id: 'a' },
      { sliceIndex: 3, id: 'b' },
      { sliceIndex: 1, id: 'c' },
    ];
    expect(boxesOnSlice(boxes, 1).map((b) => b.id)).toEqual(['a', 'c']);
    expect(boxesOnSlice(boxes, 2)).toEqual([]);
    expect([...groupBoxesBySlice(boxes)].map(([s, bs]) => [s, bs.map((b) => b.id)])).toEqual([
      [1, ['a', 'c']],
      [3, ['b']],
    ]);
  });
});

describe('annotation rules', () => {
  it('refuses boxes outside the image or without area', () => {
    expect(boxProblem(px(0, 0, 200, 100), image)).toBeNull();
    expect(boxProblem(px(150, 10, 210.5, 20), image)).toBe(
      'box (150, 10)–(210.5, 20) lies outside the 200×100 image (x from 0 to 200, y from 0 to 100)',
    );
    expect(boxProblem(px(5, 5, 5, 6), image)).toMatch(/has no area/);
  });

  it('accepts only labels of the list (exact case)', () => {
    expect(labelProblem('DVT', ['DVT', 'vein'])).toBeNull();
    expect(labelProblem('dvt', ['DVT', 'vein'])).toBe(
      "label 'dvt' is not in the workspace's label list ('DVT', 'vein')",
    );
  });

  it('refuses to drop labels in use, naming each with its count', () => {
    const usage = new Map([
      ['DVT', 1],
      ['vein', 12],
    ]);
    expect(labelRemovalProblem(['DVT', 'vein', 'x'], ['DVT', 'vein'], usage)).toBeNull();
    expect(labelRemovalProblem(['DVT', 'vein'], ['other'], usage)).toBe(
      "cannot remove label 'DVT': 1 box still uses it; cannot remove label 'vein': 12 boxes still use it",
    );
  });

  it('locks a done case and starts a case on its first box edit', () => {
    expect(caseLockProblem('done')).toBe('case is done; reopen it to edit');
    expect(caseLockProblem('flagged')).toBeNull();
    expect(statusAfterBoxEdit('not-started')).toBe('in-progress');
    expect(statusAfterBoxEdit('flagged')).toBe('flagged');
    expect(statusAfterBoxEdit('done')).toBe('done');
  });

  it('updates a case state; a done one only by reopening it', () => {
    const state: CaseState = {
      seriesUid: '1.2' as SeriesUid,
      readerId: 1 as ReaderId,
      status: 'done',
      call: 'absent',
      note: '',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(applyCaseUpdate(state, { note: 'x' })).toEqual({ problem: 'case is done; reopen it to edit' });
    expect(applyCaseUpdate(state, { status: 'done' })).toEqual({ next: state, changed: false });
    expect(applyCaseUpdate(state, { status: 'in-progress', call: null })).toEqual({
      next: { ...state, status: 'in-progress', call: null },
      changed: true,
    });
    const open = { ...state, status: 'in-progress' as const };
    expect(applyCaseUpdate(open, { call: 'present', status: 'done' })).toEqual({
      next: { ...open, call: 'present', status: 'done' },
      changed: true,
    });
  });
});
