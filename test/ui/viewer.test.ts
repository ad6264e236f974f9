import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesDetail, SliceData } from '../../src/shared/catalog/schemas';
import { SeriesUid } from '../../src/shared/ids';
import { pixelToPatient } from '../../src/shared/imaging/geometry';
import {
  dragWindow,
  windowGrey,
  BONE_WINDOW,
  VENOUS_WINDOW,
  type WindowLevel,
} from '../../src/shared/imaging/window';
import type { PageGlobals } from './pageGlobals';
import type { PatientTruth } from '../../src/shared/phantom/groundTruth';
import {
  canvasPixel,
  pagePointOfPixel,
  SCREENSHOT_DIR,
  startUiFixture,
  waitRendered,
  type UiFixture,
} from './fixture';

// One browser session walks through the workflow in order: import, open, scroll, window, 3-slice.
// The steps share the page, so they run in sequence (vitest runs a file's tests in order).

const SLICES = 16;
let fx: UiFixture;
let page: Page;

/** The patient, series and vein the checks look at: a vein box on a slice that has both neighbours. */
let patient: PatientTruth;
let seriesUid: SeriesUid;
let detail: SeriesDetail;
let k: number;
let col: number;
let row: number;

/** A vein (not thrombosed) cross-section on an inner slice of the first patient that has one. */
function pickVein(f: UiFixture): { patient: PatientTruth; k: number; col: number; row: number } {
  for (const p of f.truth.patients) {
    for (const s of p.slices) {
      if (s.index === 0 || s.index === p.slices.length - 1) continue;
      const vein = s.boxes.find((b) => b.label === 'vein');
      if (!vein) continue;
      const [x1, y1, x2, y2] = vein.box;
      return { patient: p, k: s.index, col: Math.floor((x1 + x2) / 2), row: Math.floor((y1 + y2) / 2) };
    }
  }
  throw new Error('the phantom cohort has no vein box on an inner slice');
}

async function sliceHu(index: number): Promise<SliceData> {
  return fx.handlers['series:slice']({ seriesUid, index });
}

async function huAt(index: number, c: number, r: number): Promise<number> {
  const s = await sliceHu(index);
  return s.hu[r * s.cols + c] as number;
}

const text = (testId: string): Promise<string> => page.getByTestId(testId).innerText();

async function expectSliceNumber(n: number): Promise<void> {
  await page
    .getByTestId('slice-number')
    .filter({ hasText: `${n} / ${SLICES}` })
    .waitFor();
}

beforeAll(async () => {
  fx = await startUiFixture({ patients: 2, slices: SLICES, seed: 4242 });
  page = fx.page;
  ({ patient, k, col, row } = pickVein(fx));
  seriesUid = SeriesUid.parse(patient.seriesInstanceUid);
  await page.goto(fx.harness.url);
});

afterAll(async () => {
  await fx?.close();
});

describe('workspace browser and import', () => {
  it('shows an empty workspace, not marked synthetic', async () => {
    await page.getByText('No series yet').waitFor();
    await expect(page.getByTestId('synthetic-banner').count()).resolves.toBe(0);
  });

  it('imports the cohort folder and reports every file it could not import', async () => {
    await page.getByRole('textbox', { name: 'File or folder to import' }).fill(fx.cohortDir);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByTestId('import-report').waitFor();
    await expect(page.getByTestId('import-series').count()).resolves.toBe(2);
    // Phantom data says it is synthetic wherever it goes.
    await expect(page.getByTestId('synthetic-banner').innerText()).resolves.toBe(
      'Synthetic demo data — not patient data',
    );
    const errors = await page.getByTestId('import-error').allInnerTexts();
    // The junk file is not DICOM and is listed with a reason; the cohort's ground truth is recognised.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(fx.junkFile);
    await expect(page.getByTestId('import-ground-truth').innerText()).resolves.toMatch(
      /Ground truth of a generated cohort: 2 patients, \d+ boxes/,
    );
    for (const e of errors)
      expect(e.split('\n').filter((l) => l.trim() !== '').length).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SCREENSHOT_DIR, '01-import-report.png') });
  });

  it('lists both series with their slice counts', async () => {
    const items = page.getByTestId('series-item');
    await expect(items.count()).resolves.toBe(2);
    for (const t of await page.getByTestId('series-slices').allInnerTexts())
      expect(t).toBe(`${SLICES} slices`);
  });
});

describe('axial viewer', () => {
  it('opens a series at slice 1 in the venous window', async () => {
    await page.locator(`[data-testid="series-item"][data-series-uid="${seriesUid}"]`).click();
    await expectSliceNumber(1);
    await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
    detail = await fx.handlers['series:detail']({ seriesUid });
    // The viewer's slice order is the ground truth's anatomical order.
    expect(detail.slices.map((s) => s.sopInstanceUid)).toEqual(patient.slices.map((s) => s.sopInstanceUid));
    await expect(text('window-readout')).resolves.toBe('L 140 W 400');
    await expect(text('slice-position')).resolves.toBe(
      `z ${(detail.slices[0]?.position?.[2] ?? NaN).toFixed(1)} mm`,
    );
  });

  it('scrolls by wheel, arrow keys, Page Up/Down, Home/End and the slider', async () => {
    const view = page.getByTestId('slice-view');
    await view.hover();
    await page.mouse.wheel(0, 100);
    await expectSliceNumber(2);
    await page.mouse.wheel(0, 300);
    await expectSliceNumber(5);
    await page.mouse.wheel(0, -100);
    await expectSliceNumber(4);
    await page.keyboard.press('ArrowDown');
    await expectSliceNumber(5);
    await page.keyboard.press('ArrowUp');
    await expectSliceNumber(4);
    await page.keyboard.press('PageDown');
    await expectSliceNumber(14);
    await page.keyboard.press('PageDown');
    await expectSliceNumber(16);
    await page.keyboard.press('Home');
    await expectSliceNumber(1);
    await page.keyboard.press('End');
    await expectSliceNumber(16);
    await page.getByRole('slider', { name: 'Slice' }).fill('9');
    await expectSliceNumber(9);
    await waitRendered(page, 8, 'grey', VENOUS_WINDOW);
    await expect(text('slice-position')).resolves.toBe(
      `z ${(detail.slices[8]?.position?.[2] ?? NaN).toFixed(1)} mm`,
    );
  });

  it('shows a vein in the venous window with the grey the window formula gives', async () => {
    await page.getByRole('slider', { name: 'Slice' }).fill(String(k + 1));
    await waitRendered(page, k, 'grey', VENOUS_WINDOW);
    const hu = await huAt(k, col, row);
    // Contrast-filled vein: bright in the venous window.
    expect(hu).toBeGreaterThan(60);
    expect(hu).toBeLessThan(280);
    const [r, g, b, a] = await canvasPixel(page, col, row);
    expect([r, g, b, a]).toEqual([
      windowGrey(hu, VENOUS_WINDOW),
      windowGrey(hu, VENOUS_WINDOW),
      windowGrey(hu, VENOUS_WINDOW),
      255,
    ]);
    // The whole slice, not just one pixel, follows the formula.
    const s = await sliceHu(k);
    const red = await page.evaluate(() => {
      const c = (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="slice-canvas"]');
      const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
      // The red channel as one string: far quicker to carry back than an array of numbers.
      let out = '';
      for (let i = 0; i < data.length; i += 4) out += String.fromCharCode(data[i] ?? 0);
      return out;
    });
    expect(red.length).toBe(s.hu.length);
    let mismatches = 0;
    for (let i = 0; i < s.hu.length; i++)
      if (red.charCodeAt(i) !== windowGrey(s.hu[i] as number, VENOUS_WINDOW)) mismatches++;
    expect(mismatches).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, '02-venous-window.png') });
  });

  it('reads out HU, pixel and patient coordinates under the cursor', async () => {
    const p = await pagePointOfPixel(page, col, row);
    await page.mouse.move(p.x, p.y);
    const hu = await huAt(k, col, row);
    await page
      .getByTestId('cursor-pixel')
      .filter({ hasText: `${col}, ${row}` })
      .waitFor();
    await expect(text('cursor-hu')).resolves.toBe(`${hu} HU`);
    const slice = detail.slices[k];
    if (!slice?.position || !detail.orientation || !detail.summary.pixelSpacing)
      throw new Error('series lacks geometry');
    const mm = pixelToPatient(
      col + 0.5,
      row + 0.5,
      slice.position,
      detail.orientation,
      detail.summary.pixelSpacing,
    );
    await expect(text('cursor-patient')).resolves.toBe(
      `${mm.map((v) => (Object.is(v, -0) ? 0 : v).toFixed(1)).join(', ')} mm`,
    );
  });

  it('switches to the bone and soft-tissue windows on keys 3 and 2', async () => {
    const hu = await huAt(k, col, row);
    await page.keyboard.press('3');
    await waitRendered(page, k, 'grey', BONE_WINDOW);
    const bone = windowGrey(hu, BONE_WINDOW);
    expect((await canvasPixel(page, col, row))[0]).toBe(bone);
    // A vein is mid-grey in the venous window and darker in the wide bone window.
    expect(bone).toBeLessThan(windowGrey(hu, VENOUS_WINDOW));
    await expect(text('window-readout')).resolves.toBe('L 480 W 2500');
    await page.screenshot({ path: join(SCREENSHOT_DIR, '03-bone-window.png') });
    await page.keyboard.press('2');
    await waitRendered(page, k, 'grey', { level: 40, width: 400 });
    expect((await canvasPixel(page, col, row))[0]).toBe(windowGrey(hu, { level: 40, width: 400 }));
    await page.keyboard.press('1');
    await waitRendered(page, k, 'grey', VENOUS_WINDOW);
  });

  it('changes the window by right-drag', async () => {
    const box = await page.getByTestId('slice-view').boundingBox();
    if (!box) throw new Error('no view');
    const x0 = Math.round(box.x + box.width / 2);
    const y0 = Math.round(box.y + box.height / 2);
    await page.mouse.move(x0, y0);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(x0 + 60, y0 + 25, { steps: 4 });
    await page.mouse.up({ button: 'right' });
    const w: WindowLevel = dragWindow(VENOUS_WINDOW, 60, 25);
    expect(w).toEqual({ level: 190, width: 520 });
    await waitRendered(page, k, 'grey', w);
    await expect(text('window-readout')).resolves.toBe('L 190 W 520');
    const hu = await huAt(k, col, row);
    expect((await canvasPixel(page, col, row))[0]).toBe(windowGrey(hu, w));
    await page.keyboard.press('1');
    await waitRendered(page, k, 'grey', VENOUS_WINDOW);
  });

  it('shows the 3-slice model input: R, G, B are slices z − 1, z, z + 1 under the window', async () => {
    await page.getByTestId('three-slice-toggle').click();
    await waitRendered(page, k, 'rgb', VENOUS_WINDOW);
    await expect(page.getByTestId('three-slice-toggle').getAttribute('aria-pressed')).resolves.toBe('true');
    const [r, g, b, a] = await canvasPixel(page, col, row);
    expect([r, g, b, a]).toEqual([
      windowGrey(await huAt(k - 1, col, row), VENOUS_WINDOW),
      windowGrey(await huAt(k, col, row), VENOUS_WINDOW),
      windowGrey(await huAt(k + 1, col, row), VENOUS_WINDOW),
      255,
    ]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, '04-three-slice.png') });
    // At the first slice, slice 0 stands in for its missing cranial neighbour.
    await page.keyboard.press('Home');
    await waitRendered(page, 0, 'rgb', VENOUS_WINDOW);
    const first = await canvasPixel(page, col, row);
    expect(first[0]).toBe(first[1]);
    expect(first[2]).toBe(windowGrey(await huAt(1, col, row), VENOUS_WINDOW));
    await page.keyboard.press('t');
    await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
  });

  it('zooms about the cursor (keys and Ctrl+wheel) and pans (Shift-drag); the readout follows', async () => {
    await page.getByRole('slider', { name: 'Slice' }).fill(String(k + 1));
    await waitRendered(page, k, 'grey', VENOUS_WINDOW);
    const canvas = page.getByTestId('slice-canvas');
    const width = async (): Promise<number> => (await canvas.boundingBox())?.width ?? NaN;
    const fitWidth = await width();
    let p = await pagePointOfPixel(page, col, row);
    await page.mouse.move(p.x, p.y);
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect.poll(width).toBeCloseTo(fitWidth * 1.25 * 1.25, 1);
    // Zoom keeps the point under the cursor: the same pixel is still there.
    await page
      .getByTestId('cursor-pixel')
      .filter({ hasText: `${col}, ${row}` })
      .waitFor();
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await expect.poll(width).toBeCloseTo(fitWidth * 1.25 ** 3, 1);
    await expect(text('slice-number')).resolves.toBe(`${k + 1} / ${SLICES}`); // Ctrl+wheel does not scroll
    await page
      .getByTestId('cursor-pixel')
      .filter({ hasText: `${col}, ${row}` })
      .waitFor();
    // Shift-drag pans by the mouse travel.
    const before = await canvas.boundingBox();
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(p.x - 120, p.y - 80, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(async () => (await canvas.boundingBox())?.x).toBeCloseTo((before?.x ?? NaN) - 120, 1);
    await expect.poll(async () => (await canvas.boundingBox())?.y).toBeCloseTo((before?.y ?? NaN) - 80, 1);
    p = await pagePointOfPixel(page, col, row);
    await page.mouse.move(p.x, p.y);
    await page
      .getByTestId('cursor-pixel')
      .filter({ hasText: `${col}, ${row}` })
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, '05-zoomed.png') });
    await page.keyboard.press('0');
    await expect.poll(width).toBeCloseTo(fitWidth, 1);
  });

  it('scrolls through the whole series quickly and lands on the right slice', async () => {
    await page.keyboard.press('Home');
    await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
    for (let i = 0; i < SLICES - 1; i++) await page.keyboard.press('ArrowDown');
    await waitRendered(page, SLICES - 1, 'grey', VENOUS_WINDOW);
    await expectSliceNumber(SLICES);
  });
});

describe('ground truth overlay', () => {
  it('draws the generated thrombus box over its slice, and hides it on G', async () => {
    const sick = fx.truth.patients.find((p) => p.hasDvt);
    if (!sick) throw new Error('the phantom cohort has no patient with DVT');
    const slice = sick.slices.find((s) => s.boxes.some((b) => b.label === 'DVT'));
    const dvt = slice?.boxes.find((b) => b.label === 'DVT');
    if (!slice || !dvt) throw new Error('no thrombus box in the ground truth');
    await page.locator(`[data-testid="series-item"][data-series-uid="${sick.seriesInstanceUid}"]`).click();
    await expectSliceNumber(1);
    await page.getByTestId('slice-view').hover();
    for (let i = 0; i < slice.index; i++) await page.keyboard.press('ArrowDown');
    await expectSliceNumber(slice.index + 1);
    await expect(page.getByTestId('reference-summary').innerText()).resolves.toMatch(
      /DVT present.* 1 thrombus/,
    );

    const rect = page.locator('[data-testid="reference-box"][data-kind="DVT"]');
    await expect(rect.count()).resolves.toBe(1);
    const [x1, y1, x2, y2] = dvt.box;
    const attrs = await rect.evaluate((el: { getAttribute(name: string): string | null }) =>
      ['x', 'y', 'width', 'height'].map((a) => Number(el.getAttribute(a))),
    );
    expect(attrs).toEqual([x1, y1, x2 - x1, y2 - y1]);
    // On screen, the box's corner sits on the image pixel corner it names.
    const corner = await pagePointOfPixel(page, x1, y1);
    const pixelSize = (await pagePointOfPixel(page, x1 + 1, y1)).x - corner.x;
    const box = await rect.boundingBox();
    expect(Math.abs((box?.x ?? NaN) - (corner.x - pixelSize / 2))).toBeLessThan(2);
    expect(Math.abs((box?.y ?? NaN) - (corner.y - pixelSize / 2))).toBeLessThan(2);
    await page.screenshot({ path: join(SCREENSHOT_DIR, '07-ground-truth.png') });

    await page.keyboard.press('g');
    await expect(page.getByTestId('reference-overlay').count()).resolves.toBe(0);
    await page.keyboard.press('g');
    await expect(rect.count()).resolves.toBe(1);
  });
});

describe('harness security', () => {
  it('refuses API calls without the token', async () => {
    const url = `http://127.0.0.1:${fx.harness.port}/api/invoke/workspace:info`;
    const bare = await fetch(url, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(bare.status).toBe(401);
    const wrong = await fetch(url, {
      method: 'POST',
      body: '{}',
      headers: { 'x-dvt-token': 'not-the-token' },
    });
    expect(wrong.status).toBe(401);
    // The same from inside the page, which knows the origin but sends no token.
    const status = await page.evaluate(
      async () => (await fetch('/api/invoke/workspace:info', { method: 'POST', body: '{}' })).status,
    );
    expect(status).toBe(401);
  });

  it('ran without CSP violations or page errors', () => {
    expect(fx.problems).toEqual([]);
  });
});
