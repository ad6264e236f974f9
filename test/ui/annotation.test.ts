import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnnotationBox, ReaderId } from '../../src/shared/annotation/schemas';
import type { SeriesDetail } from '../../src/shared/catalog/schemas';
import { SeriesUid } from '../../src/shared/ids';
import { VENOUS_WINDOW } from '../../src/shared/imaging/window';
import type { PageGlobals } from './pageGlobals';
import { SCREENSHOT_DIR, startUiFixture, waitRendered, type UiFixture } from './fixture';

// One reader annotates a case in the real renderer: draw, resize, undo, redo, copy, interpolate,
// delete, lock, reload. Every step is checked on screen and in the workspace through the handlers.
// The steps share the page and run in order.

const SLICES = 12;
let fx: UiFixture;
let page: Page;
let seriesUid: SeriesUid;
let detail: SeriesDetail;
let ada: ReaderId;
let bo: ReaderId;

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOT_DIR, name) });

/** The page point of a continuous image coordinate (not a pixel centre) as the canvas sits now. */
async function pagePoint(x: number, y: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([ix, iy]) => {
      const canvas = (globalThis as unknown as PageGlobals).document.querySelector(
        '[data-testid="slice-canvas"]',
      );
      if (!canvas) throw new Error('no slice canvas');
      const rect = canvas.getBoundingClientRect();
      return {
        x: rect.left + (ix * rect.width) / canvas.width,
        y: rect.top + (iy * rect.height) / canvas.height,
      };
    },
    [x, y] as const,
  );
}

async function drag(from: [number, number], to: [number, number]): Promise<void> {
  const a = await pagePoint(...from);
  const b = await pagePoint(...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

async function goToSlice(n: number): Promise<void> {
  await page.getByRole('slider', { name: 'Slice' }).fill(String(n));
  await page
    .getByTestId('slice-number')
    .filter({ hasText: `${n} / ${SLICES}` })
    .waitFor();
  await waitRendered(page, n - 1, 'grey', VENOUS_WINDOW);
}

const mine = async (): Promise<AnnotationBox[]> =>
  (await fx.handlers['annotations:list']({ seriesUid })).filter((b) => b.readerId === ada);

/** Waits for the workspace to hold what `check` wants (polling main, which answers at once). */
async function until(check: (boxes: AnnotationBox[]) => boolean): Promise<AnnotationBox[]> {
  let last: AnnotationBox[] = [];
  // The wait covers the page's round trip on a busy machine; a failure says what the page showed.
  try {
    await expect
      .poll(
        async () => {
          last = await mine();
          return check(last);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
  } catch (e) {
    const status = await page.getByTestId('annotation-status').innerText();
    const error = await page.getByTestId('annotation-error').allInnerTexts();
    const slice = await page.getByTestId('slice-number').innerText();
    throw new Error(
      `${String(e)}; page: slice ${slice}, status '${status}', errors ${JSON.stringify(error)}; ` +
        `stored: ${JSON.stringify(last.map((b) => [b.sliceIndex, b.box]))}`,
      { cause: e },
    );
  }
  return last;
}

const near = (a: number, b: number, tol = 1): boolean => Math.abs(a - b) <= tol;
const ownOnScreen = () => page.locator('[data-testid="annotation-box"][data-own="true"]');

beforeAll(async () => {
  fx = await startUiFixture({ patients: 2, slices: SLICES, seed: 7331 });
  page = fx.page;
  seriesUid = SeriesUid.parse(fx.truth.patients[0]?.seriesInstanceUid);
  await page.goto(fx.harness.url);
  await page.getByRole('textbox', { name: 'File or folder to import' }).fill(fx.cohortDir);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByTestId('import-report').waitFor();
  detail = await fx.handlers['series:detail']({ seriesUid });
  // A second reader's box on slice 3, to be shown read-only.
  bo = (await fx.handlers['readers:add']({ name: 'Dr Bo' })).id;
  await fx.handlers['annotations:create']({
    seriesUid,
    readerId: bo,
    boxes: [
      {
        sopInstanceUid: detail.slices[2]!.sopInstanceUid,
        label: 'DVT',
        box: { space: 'dicom-pixel', x1: 300, y1: 300, x2: 360, y2: 350 },
      },
    ],
  });
});

afterAll(async () => {
  await fx?.close();
});

describe('annotating a case', () => {
  it('asks who is reading, and takes a new reader', async () => {
    await page.getByTestId('reader-picker').waitFor();
    await page.getByPlaceholder('Name').fill('Dr Ada');
    await page.getByRole('button', { name: 'Add and start' }).click();
    await page.getByTestId('current-reader').filter({ hasText: 'Dr Ada' }).waitFor();
    const readers = await fx.handlers['readers:list']({});
    ada = readers.find((r) => r.name === 'Dr Ada')!.id;
    await page.locator(`[data-testid="series-item"][data-series-uid="${seriesUid}"]`).click();
    await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
  });

  it('draws a box with the mouse, stored at once in DICOM pixel coordinates', async () => {
    await goToSlice(3);
    // The other reader's box is there, read-only and dashed.
    await page.locator('[data-testid="annotation-box"][data-own="false"]').waitFor();
    await page.keyboard.press('b');
    await drag([100, 120], [180, 170]);
    await ownOnScreen().waitFor();
    const [box] = await until((bs) => bs.length === 1);
    expect(box!.sliceIndex).toBe(2);
    expect(box!.sopInstanceUid).toBe(detail.slices[2]!.sopInstanceUid);
    expect(box!.label).toBe('DVT');
    for (const [got, want] of [
      [box!.box.x1, 100],
      [box!.box.y1, 120],
      [box!.box.x2, 180],
      [box!.box.y2, 170],
    ] as const)
      expect(near(got, want)).toBe(true);
    await expect(page.getByTestId('annotation-handle').count()).resolves.toBe(8);
    const cs = await fx.handlers['cases:get']({ seriesUid, readerId: ada });
    expect(cs.status).toBe('in-progress');
    await shot('10-annotation-drawn.png');
  });

  it('resizes by a handle, and undoes and redoes the resize', async () => {
    const [before] = await mine();
    const b = before!.box;
    await drag([b.x2, b.y2], [b.x2 + 30, b.y2 + 20]);
    const [resized] = await until(([x]) => x !== undefined && x.box.x2 > b.x2 + 25);
    expect(near(resized!.box.x2, b.x2 + 30)).toBe(true);
    expect(near(resized!.box.y2, b.y2 + 20)).toBe(true);
    expect(resized!.box.x1).toBe(b.x1);
    expect(resized!.box.y1).toBe(b.y1);
    await shot('11-annotation-resized.png');

    await page.keyboard.press('Control+z');
    await until(([x]) => x?.box.x2 === b.x2 && x.box.y2 === b.y2);
    await page
      .locator(`[data-testid="annotation-box"][data-box="${b.x1},${b.y1},${b.x2},${b.y2}"]`)
      .waitFor();
    await page.keyboard.press('Control+Shift+Z');
    await until(([x]) => x?.box.x2 === resized!.box.x2);
    await page.keyboard.press('Control+z');
    await until(([x]) => x?.box.x2 === b.x2);
    await page.keyboard.press('Control+y');
    await until(([x]) => x?.box.x2 === resized!.box.x2);
    const history = await fx.handlers['annotations:history']({ id: resized!.id });
    expect(history.map((h) => h.action)).toEqual([
      'create',
      'update',
      'update',
      'update',
      'update',
      'update',
    ]);
  });

  it('undoes a draw (the box goes) and redoes it (the same box comes back)', async () => {
    const [box] = await mine();
    await page.keyboard.press('Control+z'); // the resize
    await page.keyboard.press('Control+z'); // the draw
    await until((bs) => bs.length === 0);
    await expect.poll(() => ownOnScreen().count(), { timeout: 10_000 }).toBe(0);
    await page.keyboard.press('Control+Shift+Z');
    await page.keyboard.press('Control+Shift+Z');
    const [back] = await until((bs) => bs.length === 1 && bs[0]!.box.x2 === box!.box.x2);
    expect(back!.id).toBe(box!.id);
    await ownOnScreen().waitFor();
  });

  it('copies the selected box to the next slice and goes there', async () => {
    await ownOnScreen().click({ force: true });
    await page.keyboard.press('c');
    await page
      .getByTestId('slice-number')
      .filter({ hasText: `4 / ${SLICES}` })
      .waitFor();
    const boxes = await until((bs) => bs.length === 2);
    expect(boxes.map((b) => b.sliceIndex)).toEqual([2, 3]);
    expect(boxes[1]!.box).toEqual(boxes[0]!.box);
    await ownOnScreen().waitFor();
  });

  it('interpolates between two key boxes of the same label', async () => {
    await goToSlice(8);
    await page.keyboard.press('b');
    await drag([140, 160], [260, 230]);
    const keys = await until((bs) => bs.length === 3);
    const a = keys.find((b) => b.sliceIndex === 3)!.box;
    const z = keys.find((b) => b.sliceIndex === 7)!.box;
    await page.keyboard.press('i');
    const all = await until((bs) => bs.length === 6);
    expect(all.map((b) => b.sliceIndex)).toEqual([2, 3, 4, 5, 6, 7]);
    for (const b of all.filter((x) => x.sliceIndex > 3 && x.sliceIndex < 7)) {
      const t = (b.sliceIndex - 3) / 4;
      expect(b.box.x1).toBeCloseTo(a.x1 + (z.x1 - a.x1) * t, 6);
      expect(b.box.y2).toBeCloseTo(a.y2 + (z.y2 - a.y2) * t, 6);
    }
    await goToSlice(6);
    await ownOnScreen().waitFor();
    await shot('12-annotation-interpolated.png');
    // One undo takes the whole interpolation back.
    await page.keyboard.press('Control+z');
    await until((bs) => bs.length === 3);
    await page.keyboard.press('Control+y');
    await until((bs) => bs.length === 6);
  });

  it("hides other readers' boxes on H and shows them again", async () => {
    await goToSlice(3);
    const other = page.locator('[data-testid="annotation-box"][data-own="false"]');
    await other.waitFor();
    await page.keyboard.press('h');
    await other.waitFor({ state: 'detached' });
    await page.keyboard.press('h');
    await other.waitFor();
    await shot('13-annotation-two-readers.png');
  });

  it('deletes the selected box with Delete, and undo brings it back', async () => {
    await ownOnScreen().click({ force: true });
    await page.keyboard.press('Delete');
    await until((bs) => bs.length === 5);
    await expect.poll(() => ownOnScreen().count(), { timeout: 10_000 }).toBe(0);
    await page.keyboard.press('Control+z');
    await until((bs) => bs.length === 6);
    await ownOnScreen().waitFor();
  });

  it('locks a done case: drawing is refused until it is reopened', async () => {
    await page.getByTestId('call-present').click();
    await page.getByTestId('case-note').fill('thrombus in the left common femoral vein');
    await page.getByTestId('case-note').blur();
    await page.getByTestId('status-done').click();
    await page.getByTestId('case-lock').waitFor();
    await page.keyboard.press('b');
    await drag([20, 20], [60, 60]);
    await page.getByTestId('annotation-error').filter({ hasText: 'reopen' }).waitFor();
    await page.keyboard.press('Control+z');
    await page.getByTestId('annotation-error').filter({ hasText: 'case is done' }).waitFor();
    await shot('14-annotation-locked.png');
    expect(await mine()).toHaveLength(6);
    const cs = await fx.handlers['cases:get']({ seriesUid, readerId: ada });
    expect(cs).toMatchObject({
      status: 'done',
      call: 'present',
      note: 'thrombus in the left common femoral vein',
    });
    await page.getByTestId('reopen-case').click();
    await page.getByTestId('case-lock').waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
  });

  it('lists cases with progress and the boxes of the case, with a jump to each', async () => {
    await expect(page.getByTestId('case-item').count()).resolves.toBe(2);
    await page
      .getByTestId('case-item')
      .first()
      .getByTestId('case-boxes')
      .filter({ hasText: /^6 boxes$/ })
      .waitFor();
    await page.getByTestId('cases-progress').filter({ hasText: 'Dr Ada: 0 / 2 done' }).waitFor();
    // 6 own boxes and Dr Bo's
    await expect.poll(() => page.getByTestId('box-list-item').count(), { timeout: 10_000 }).toBe(7);
    await page.getByTestId('box-list-item').filter({ hasText: 'Slice 8' }).click();
    await page
      .getByTestId('slice-number')
      .filter({ hasText: `8 / ${SLICES}` })
      .waitFor();
    await page.locator('[data-testid="annotation-box"][data-selected="true"]').waitFor();
    await page.keyboard.press(']');
    await page.getByTestId('case-item').nth(1).and(page.locator('.current')).waitFor();
    await page.keyboard.press('[');
    await page.getByTestId('case-item').nth(0).and(page.locator('.current')).waitFor();
  });

  it('shows every shortcut on ?', async () => {
    await page.keyboard.press('?');
    const help = page.getByTestId('help-overlay');
    await help.waitFor();
    for (const k of ['Ctrl+Z', 'Ctrl+Shift+Z, Ctrl+Y', 'C / Shift+C', '1 2 3', 'T', 'G']) {
      await help.getByText(k, { exact: true }).waitFor();
    }
    await shot('15-help.png');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it("switches reader: the first reader's boxes become read-only for the second", async () => {
    await page.getByTestId('switch-reader').click();
    await page.getByTestId('reader-picker').getByRole('button', { name: 'Dr Bo' }).click();
    await page.getByTestId('current-reader').filter({ hasText: 'Dr Bo' }).waitFor();
    await goToSlice(6);
    await page.locator('[data-testid="annotation-box"][data-own="false"]').waitFor();
    await expect(ownOnScreen().count()).resolves.toBe(0);
    await shot('16-annotation-other-reader.png');
    await page.getByTestId('switch-reader').click();
    await page.getByTestId('reader-picker').getByRole('button', { name: 'Dr Ada' }).click();
    await page.getByTestId('current-reader').filter({ hasText: 'Dr Ada' }).waitFor();
    await ownOnScreen().waitFor();
  });

  it('finds every box again after a reload, and relabels from the workspace list', async () => {
    await page.getByTestId('edit-labels').click();
    await page.getByTestId('label-list-input').fill('DVT, vein');
    await page.getByTestId('label-list-save').click();
    await page.getByTestId('edit-labels').waitFor();
    await expect(fx.handlers['labels:list']({})).resolves.toEqual(['DVT', 'vein']);
    await page.reload();
    await page.getByTestId('current-reader').filter({ hasText: 'Dr Ada' }).waitFor();
    await page.locator(`[data-testid="series-item"][data-series-uid="${seriesUid}"]`).click();
    await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
    await expect.poll(() => page.getByTestId('box-list-item').count(), { timeout: 10_000 }).toBe(7);
    await goToSlice(6);
    await ownOnScreen().waitFor();
    await shot('17-annotation-after-reload.png');
    expect(await mine()).toHaveLength(6);
    await ownOnScreen().click({ force: true });
    await page.getByTestId('label-picker').selectOption('vein');
    await until((bs) => bs.find((b) => b.sliceIndex === 5)?.label === 'vein');
    await page.getByTestId('slice-view').hover();
    await page.keyboard.press('Control+z');
    await until((bs) => bs.every((b) => b.label === 'DVT'));
    expect(fx.problems).toEqual([]);
  });
});
