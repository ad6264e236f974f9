import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesDetail } from '../../src/shared/catalog/schemas';
import { SeriesUid } from '../../src/shared/ids';
import { VENOUS_WINDOW } from '../../src/shared/imaging/window';
import type { ModelSummary, Prediction, RunSummary } from '../../src/shared/inference/schemas';
import { SCREENSHOT_DIR, startUiFixture, waitRendered, type UiFixture } from './fixture';

// A reader registers a model, runs it on the open series and looks at its predictions, all in the
// real renderer at 1400 × 900 against the real handlers. Every step is checked on screen and against
// what the handlers answer. The steps share the page and run in order.

const SLICES = 10;
const MODEL = resolve('test/fixtures/models/tiny-tv-raw-3slice.onnx');
let fx: UiFixture;
let page: Page;
let seriesUid: SeriesUid;
let detail: SeriesDetail;
let model: ModelSummary;
let run: RunSummary;

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOT_DIR, name) });
const drawn = () => page.getByTestId('prediction-box');

async function goToSlice(n: number): Promise<void> {
  await page.getByRole('slider', { name: 'Slice', exact: true }).fill(String(n));
  await page
    .getByTestId('slice-number')
    .filter({ hasText: `${n} / ${SLICES}` })
    .waitFor();
  await waitRendered(page, n - 1, 'grey', VENOUS_WINDOW);
}

/** Where a continuous image coordinate is on the page, as the canvas sits now. */
async function pagePoint(x: number, y: number): Promise<{ x: number; y: number }> {
  const r = await page.getByTestId('slice-canvas').boundingBox();
  if (!r) throw new Error('the slice canvas is not on screen');
  return { x: r.x + (x * r.width) / detail.summary.cols, y: r.y + (y * r.height) / detail.summary.rows };
}

beforeAll(async () => {
  if (!existsSync(MODEL)) throw new Error(`the tiny test model is missing: ${MODEL}`);
  fx = await startUiFixture({ patients: 2, slices: SLICES, seed: 9113 });
  page = fx.page;
  await page.setViewportSize({ width: 1400, height: 900 });
  seriesUid = SeriesUid.parse(fx.truth.patients[0]?.seriesInstanceUid);
  await page.goto(fx.harness.url);
  await page.getByRole('textbox', { name: 'File or folder to import' }).fill(fx.cohortDir);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByTestId('import-report').waitFor();
  detail = await fx.handlers['series:detail']({ seriesUid });
  await page.locator(`[data-testid="series-item"][data-series-uid="${seriesUid}"]`).click();
  await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
});

afterAll(async () => {
  await fx?.close();
});

describe('running a model on a series', () => {
  it('refuses a model file that is not there, naming the file', async () => {
    await page.getByRole('tab', { name: 'AI models' }).click();
    await page.getByTestId('inference-panel').waitFor();
    const missing = join(fx.dir, 'no-such-model.onnx');
    await page.getByRole('textbox', { name: 'Model file (absolute path)' }).fill(missing);
    await page.getByRole('button', { name: 'Add model' }).click();
    const error = page.getByTestId('model-add-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('no-such-model.onnx');
    expect(await fx.handlers['models:list']({})).toEqual([]);
    // A relative path is refused before it reaches main.
    await page.getByRole('textbox', { name: 'Model file (absolute path)' }).fill('models/x.onnx');
    await page.getByRole('button', { name: 'Add model' }).click();
    await error.filter({ hasText: 'models/x.onnx: not an absolute path' }).waitFor();
    await shot('inference-add-error.png');
  });

  it('registers the tiny model through the form and lists it', async () => {
    await page.getByRole('textbox', { name: 'Model file (absolute path)' }).fill(MODEL);
    await page.getByRole('button', { name: 'Add model' }).click();
    // Either the model or main's refusal; a refusal fails the test with main's words.
    await page.getByTestId('model-added').or(page.getByTestId('model-add-error')).waitFor();
    expect(await page.getByTestId('model-add-error').allInnerTexts()).toEqual([]);
    const models = await fx.handlers['models:list']({});
    expect(models).toHaveLength(1);
    model = models[0]!;
    const item = page.locator(`[data-testid="model-item"][data-model-id="${model.id}"]`);
    expect(await item.getByTestId('model-name').innerText()).toBe(model.name);
    expect(await item.getByTestId('model-backbone').innerText()).toBe(model.manifest.backbone);
    expect(await item.getByTestId('model-input').innerText()).toContain(
      `3-slice · ${model.manifest.input.size} px @ ${model.manifest.input.pixelSpacingMm} mm`,
    );
    expect(await item.getByTestId('model-output').innerText()).toContain(model.manifest.output.kind);
    expect(await item.getByTestId('model-sha').innerText()).toBe(model.sha256.slice(0, 12));
    // The new model is ticked for the next run.
    expect(await item.getByTestId('model-pick').isChecked()).toBe(true);
  });

  it('runs it on the open series asking for WebGPU, falling back to the CPU with a visible note', async () => {
    await page.getByTestId('target-this').check();
    await page.getByTestId('run-provider').selectOption('webgpu');
    expect(await page.getByTestId('run-stride').inputValue()).toBe('96');
    await page.getByTestId('run-start').click();
    const job = page.getByTestId('job-item').first();
    await job.waitFor();
    await page.locator('[data-testid="job-item"][data-state="done"]').waitFor({ timeout: 90_000 });
    const [stored] = await fx.handlers['inference:jobs']({});
    expect(stored?.state).toBe('done');
    expect(stored?.providerUsed).toBe('cpu');
    // WebGPU has no adapter here: main says why it fell back, and the job shows it.
    expect(stored?.providerNotes.some((n) => n.startsWith('webgpu'))).toBe(true);
    const notes = await job.getByTestId('job-note').allInnerTexts();
    expect(notes).toEqual(stored?.providerNotes);
    expect(await job.getByTestId('job-provider').innerText()).toContain('cpu');
    const bar = job.getByRole('progressbar');
    expect(await bar.getAttribute('aria-valuenow')).toBe(String(SLICES));
    expect(await bar.getAttribute('aria-valuemax')).toBe(String(SLICES));
    await expect.poll(() => job.getByTestId('job-cancel').count()).toBe(0);
    await shot('inference-job-done.png');
  });

  it('lists the run with the provider used and its prediction count', async () => {
    const runs = await fx.handlers['runs:list']({ seriesUid });
    expect(runs).toHaveLength(1);
    run = runs[0]!;
    expect(run.status).toBe('done');
    expect(run.providerUsed).toBe('cpu');
    const item = page.locator(`[data-testid="run-item"][data-run-id="${run.id}"]`);
    await item.waitFor();
    expect(await item.getByTestId('run-status').innerText()).toBe('done');
    expect(await item.getByTestId('run-provider').innerText()).toMatch(/^cpu/);
    expect(await item.getByTestId('run-count').innerText()).toBe(String(run.predictionCount));
    expect(run.predictionCount).toBeGreaterThan(0);
  });

  it('draws the run on the image: the predictions of the slice at the threshold, where they are', async () => {
    const all = await fx.handlers['runs:predictions']({ runId: run.id });
    const atLeast = (t: number) => (p: Prediction) => p.score >= t;
    // The default threshold is the manifest's (shown on the slider before anything is moved).
    const threshold = model.manifest.defaultScoreThreshold;
    expect(await page.getByTestId('score-threshold-value').innerText()).toBe(threshold.toFixed(2));
    // The slice with the most boxes at that threshold (any slice, if none reaches it).
    const counts = new Map<number, number>();
    for (const p of all.filter(atLeast(threshold)))
      counts.set(p.sliceIndex, (counts.get(p.sliceIndex) ?? 0) + 1);
    const index = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? all[0]!.sliceIndex;
    await goToSlice(index + 1);

    await page.getByTestId('run-show').check();
    const slice = (t: number): Promise<Prediction[]> =>
      fx.handlers['runs:predictions']({ runId: run.id, sliceIndex: index, minScore: t });
    const atDefault = await slice(threshold);
    await expect.poll(() => drawn().count()).toBe(atDefault.length);
    expect(await page.getByTestId('prediction-overlay').getAttribute('data-overlay-slice')).toBe(
      String(index),
    );
    await page
      .getByTestId('prediction-legend-item')
      .filter({ hasText: `: ${atDefault.length} ≥ ${threshold.toFixed(2)}` })
      .waitFor();

    // This random-weight model finds "thrombi" everywhere: raise the slider until a few boxes are
    // left (the lowest 0.01 step with at most 8), and check each of them.
    const scores = (await slice(0)).map((p) => p.score);
    let raised = 1;
    for (let c = 100; c >= 0; c--) {
      const n = scores.filter((s) => s >= c / 100).length;
      if (n > 8) break;
      if (n > 0) raised = c / 100;
    }
    await page.getByTestId('score-threshold').fill(String(raised));
    expect(await page.getByTestId('score-threshold-value').innerText()).toBe(raised.toFixed(2));
    const want = await slice(raised);
    expect(want.length).toBeGreaterThan(0);
    await expect.poll(() => drawn().count()).toBe(want.length);
    const key = (b: Prediction['box']): string => `${b.x1},${b.y1},${b.x2},${b.y2}`;
    const got = await Promise.all((await drawn().all()).map((l) => l.getAttribute('data-box')));
    expect(got.sort()).toEqual(want.map((p) => key(p.box)).sort());
    expect((await page.getByTestId('prediction-score').allInnerTexts()).sort()).toEqual(
      want.map((p) => p.score.toFixed(2)).sort(),
    );

    // The best box sits on the image where its DICOM pixel coordinates are.
    const best = want[0]!;
    const rect = await page
      .locator(`[data-testid="prediction-box"][data-box="${key(best.box)}"]`)
      .boundingBox();
    const a = await pagePoint(best.box.x1, best.box.y1);
    const b = await pagePoint(best.box.x2, best.box.y2);
    expect(rect).not.toBeNull();
    // The box's stroke (1.5 px, not scaled) widens its bounding box by at most a pixel a side.
    expect(Math.abs(rect!.x - a.x)).toBeLessThan(1.5);
    expect(Math.abs(rect!.y - a.y)).toBeLessThan(1.5);
    expect(Math.abs(rect!.x + rect!.width - b.x)).toBeLessThan(1.5);
    expect(Math.abs(rect!.y + rect!.height - b.y)).toBeLessThan(1.5);
    await shot('inference-predictions.png');

    // Above every score, nothing is left on the slice; the model default brings them all back.
    await page.getByTestId('score-threshold').fill('1');
    await expect.poll(() => drawn().count()).toBe(want.filter(atLeast(1)).length);
    await page.getByRole('button', { name: /Model default/ }).click();
    await expect.poll(() => drawn().count()).toBe(atDefault.length);
    await page.getByTestId('score-threshold').fill(String(raised));
    await expect.poll(() => drawn().count()).toBe(want.length);

    // Arrow keys on the threshold slider move the threshold, not the slice.
    const sliceBefore = await page.getByTestId('slice-slider').inputValue();
    await page.getByTestId('score-threshold').focus();
    await page.keyboard.press('ArrowLeft');
    expect(await page.getByTestId('score-threshold-value').innerText()).toBe((raised - 0.01).toFixed(2));
    expect(await page.getByTestId('slice-slider').inputValue()).toBe(sliceBefore);
    await page.getByTestId('score-threshold').fill(String(raised));
  });

  it('P hides and shows every prediction, and the help lists it', async () => {
    await page.getByTestId('slice-view').hover();
    await page.keyboard.press('p');
    await expect.poll(() => drawn().count()).toBe(0);
    await page.getByTestId('prediction-legend').filter({ hasText: 'hidden' }).waitFor();
    await shot('inference-hidden.png');
    await page.keyboard.press('p');
    await expect.poll(() => drawn().count()).toBeGreaterThan(0);
    await page.keyboard.press('?');
    const help = page.getByTestId('help-overlay');
    await help.waitFor();
    expect(await help.innerText()).toContain('show / hide AI predictions');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('deletes the run, and its boxes leave the image', async () => {
    const item = page.locator(`[data-testid="run-item"][data-run-id="${run.id}"]`);
    await item.getByTestId('run-delete').click();
    await item.getByTestId('run-delete-confirm').click();
    await item.waitFor({ state: 'detached' });
    expect(await fx.handlers['runs:list']({ seriesUid })).toEqual([]);
    expect(await drawn().count()).toBe(0);
    expect(fx.problems).toEqual([]);
  });
});
