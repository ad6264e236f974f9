import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/main/harness/server';
import type { Handlers } from '../../src/main/services/handlers';
import { VENOUS_WINDOW } from '../../src/shared/imaging/window';
import { fakeSeriesHandlers } from './fakeSeries';
import { assertRendererBuilt, launchPage, RENDERER_DIR, SCREENSHOT_DIR, waitRendered } from './fixture';

// What the window shows before main can answer (Electron's first start builds the demo workspace
// before it answers any call), when opening the workspace fails, and when opening a series fails
// while another one is on screen.

const fake = fakeSeriesHandlers({ slices: 12, rows: 64, cols: 64 });

/** How workspace:info answers: held back until released, failing, or at once. */
let infoMode: 'hold' | 'fail' | 'ok' = 'hold';
let releaseInfo: () => void = () => undefined;
let detailFails = false;

const handlers: Handlers = {
  ...fake,
  'workspace:info': async (input) => {
    if (infoMode === 'hold') await new Promise<void>((resolve) => (releaseInfo = resolve));
    if (infoMode === 'fail') throw new Error('the disk is on fire');
    return fake['workspace:info'](input);
  },
  'series:detail': (input) =>
    detailFails ? Promise.reject(new Error('the series files are gone')) : fake['series:detail'](input),
};

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  assertRendererBuilt();
  harness = await startHarness({ handlers, rendererDir: RENDERER_DIR });
  ({ browser, page, problems } = await launchPage());
});

afterAll(async () => {
  releaseInfo();
  await browser?.close();
  await harness?.close();
});

describe('startup', () => {
  it('shows a full-window waiting screen until the workspace answers', async () => {
    infoMode = 'hold';
    await page.goto(harness.url);
    await page.getByRole('status').filter({ hasText: 'Opening workspace…' }).waitFor();
    // A longer wait is, in the app, the first start building the demo: the screen says so.
    await page.getByRole('status').filter({ hasText: 'Preparing the demo workspace…' }).waitFor();
    await expect(page.getByTestId('startup-loading').innerText()).resolves.toContain(
      'First start: generating a synthetic cohort, about 10–20 s.',
    );
    await expect(page.getByTestId('series-item').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, '00-startup-loading.png') });
    infoMode = 'ok';
    releaseInfo();
    await page.getByTestId('series-item').waitFor();
    await expect(page.getByTestId('startup-screen').count()).resolves.toBe(0);
  });

  it('shows a full-window error when the workspace cannot be opened, and can try again', async () => {
    infoMode = 'fail';
    await page.reload();
    const alert = page.getByTestId('startup-error');
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toContain('The workspace could not be opened');
    await expect(alert.innerText()).resolves.toContain('the disk is on fire');
    await page.screenshot({ path: join(SCREENSHOT_DIR, '00-startup-error.png') });
    infoMode = 'ok';
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('series-item').waitFor();
  });
});

describe('opening a series', () => {
  it('shows a failed open over the series still on screen, until an open succeeds', async () => {
    await page.getByTestId('series-item').click();
    await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
    detailFails = true;
    await page.getByTestId('series-item').click();
    const alert = page.getByTestId('open-error');
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toContain('the series files are gone');
    // The series opened before is still there, under the alert.
    await expect(page.getByTestId('slice-canvas').count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, '00-open-error.png') });
    detailFails = false;
    await page.getByTestId('series-item').click();
    await alert.waitFor({ state: 'detached' });
    await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
  });

  it('can dismiss the alert', async () => {
    detailFails = true;
    await page.getByTestId('series-item').click();
    const alert = page.getByTestId('open-error');
    await alert.waitFor();
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });
    detailFails = false;
  });

  it('ran without CSP violations or page errors', () => {
    expect(problems).toEqual([]);
  });
});
