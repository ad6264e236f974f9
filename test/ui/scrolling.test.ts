import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/main/harness/server';
import { BONE_WINDOW, VENOUS_WINDOW, windowGrey } from '../../src/shared/imaging/window';
import { fakeHu, fakeSeriesHandlers, type FakeSeriesOptions } from './fakeSeries';
import {
  assertRendererBuilt,
  canvasPixel,
  launchPage,
  RENDERER_DIR,
  SCREENSHOT_DIR,
  waitRendered,
} from './fixture';

// A 512 × 512 series of 300 slices served from memory, each request taking 20 ms as a file read
// would: what the slice cache, prefetch and stale-request dropping are for.
const O: FakeSeriesOptions = { slices: 300, rows: 512, cols: 512, delayMs: 20 };
const handlers = fakeSeriesHandlers(O);
let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];

const drawMs = async (): Promise<number> =>
  Number(await page.getByTestId('slice-canvas').getAttribute('data-draw-ms'));

beforeAll(async () => {
  assertRendererBuilt();
  harness = await startHarness({ handlers, rendererDir: RENDERER_DIR });
  ({ browser, page, problems } = await launchPage());
  await page.goto(harness.url);
  await page.getByTestId('series-item').click();
  await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('scrolling a large series', () => {
  it('jumps to the last slice without fetching the slices in between', async () => {
    await page.keyboard.press('End');
    await waitRendered(page, O.slices - 1, 'grey', VENOUS_WINDOW);
    // Only the neighbourhoods of the first and the last slice were ever asked for.
    const far = handlers.requests.filter((i) => i > 20 && i < O.slices - 21);
    expect(far).toEqual([]);
    for (const [col, row] of [
      [256, 256],
      [10, 10],
      [300, 20],
      [511, 511],
    ] as const) {
      const [r] = await canvasPixel(page, col, row);
      expect(r).toBe(windowGrey(fakeHu(O.slices - 1, col, row, O), VENOUS_WINDOW));
    }
  });

  it('scrolls 40 slices by wheel, fetching each slice once and painting each quickly', async () => {
    await page.getByTestId('slice-view').hover();
    for (let i = 0; i < 40; i++) await page.mouse.wheel(0, -100);
    await waitRendered(page, O.slices - 41, 'grey', VENOUS_WINDOW);
    await page
      .getByTestId('slice-number')
      .filter({ hasText: `${O.slices - 40} / ${O.slices}` })
      .waitFor();
    expect(new Set(handlers.requests).size).toBe(handlers.requests.length);
    const [r] = await canvasPixel(page, 256, 256);
    expect(r).toBe(windowGrey(fakeHu(O.slices - 41, 256, 256, O), VENOUS_WINDOW));
  });

  it('steps through cached slices painting each well within a frame', async () => {
    const times: number[] = [];
    for (let i = 1; i <= 10; i++) {
      await page.keyboard.press('ArrowDown');
      await waitRendered(page, O.slices - 41 + i, 'grey', VENOUS_WINDOW);
      times.push(await drawMs());
    }
    // Windowing 512 × 512 through the LUT and putImageData takes a few ms; the bound is generous
    // (a busy CI machine) but catches a paint that no longer fits a frame.
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(30);
    await page.keyboard.press('3');
    await waitRendered(page, O.slices - 31, 'grey', BONE_WINDOW);
    await page.screenshot({ path: join(SCREENSHOT_DIR, '06-large-series-bone.png') });
    expect(problems).toEqual([]);
  });
});
