import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyReferenceToReader } from '../../src/main/reference/referenceReader';
import type { AnnotationBox, Reader } from '../../src/shared/annotation/schemas';
import type { SeriesDetail } from '../../src/shared/catalog/schemas';
import { SeriesUid } from '../../src/shared/ids';
import { VENOUS_WINDOW } from '../../src/shared/imaging/window';
import type { ModelSummary, RunSummary } from '../../src/shared/inference/schemas';
import type { DicomPixelBox } from '../../src/shared/reference/schemas';
import type { Suggestion } from '../../src/shared/reading/schemas';
import { SCREENSHOT_DIR, startUiFixture, waitRendered, type UiFixture } from './fixture';

// AI-assisted reading in the real renderer (1400 × 900) against the real handlers: the worklist
// ordered by the model's suspicion after auto-run runs it on an import; a case read with the model's
// suggestions (Tab centres one; accept, adjust then accept, reject with a reason; undo and redo); a
// case read without them; the reading times; and the reader's operating points beside the model's
// FROC curve against the reference reader. The steps share the page and run in order.

const SLICES = 10;
const MODEL = resolve('test/fixtures/models/tiny-tv-raw-3slice.onnx');
/** The evaluation view's bootstrap defaults (EvaluationViewState). */
const BOOTSTRAP = { resamples: 1000, seed: 20230101 };

let fx: UiFixture;
let page: Page;
let model: ModelSummary;
let reader: Reader;
/** The patient imported before auto-run was on (no thrombus), and the two it then ran on. */
let notRunUid: SeriesUid;
let caseA: SeriesUid;
let caseB: SeriesUid;
let runA: RunSummary;
let threshold: number;
let suggestions: Suggestion[];

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOT_DIR, name) });
const key = (b: DicomPixelBox): string => `${b.x1},${b.y1},${b.x2},${b.y2}`;
const row = (uid: string) => page.locator(`[data-testid="worklist-row"][data-series-uid="${uid}"]`);
const item = (s: Suggestion) =>
  page.locator(`[data-testid="suggestion-item"][data-prediction-id="${s.predictionId}"]`);
const mine = async (uid: SeriesUid): Promise<AnnotationBox[]> =>
  (await fx.handlers['annotations:list']({ seriesUid: uid })).filter((b) => b.readerId === reader.id);
const listed = (): Promise<Suggestion[]> =>
  fx.handlers['suggestions:list']({ seriesUid: caseA, readerId: reader.id, runId: runA.id, threshold });

/** Polls main (which answers at once) until `check` holds; a failure says what was last seen. */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  try {
    await expect
      .poll(
        async () => {
          last = await read();
          return check(last);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
  } catch (e) {
    const status = await page.getByTestId('annotation-status').allInnerTexts();
    const errors = await page.getByTestId('annotation-error').allInnerTexts();
    throw new Error(
      `${String(e)}; page: status ${JSON.stringify(status)}, errors ${JSON.stringify(errors)}; last: ${JSON.stringify(last)}`,
      { cause: e },
    );
  }
  return last as T;
}

async function goToSlice(n: number): Promise<void> {
  await page.getByRole('slider', { name: 'Slice', exact: true }).fill(String(n));
  await page
    .getByTestId('slice-number')
    .filter({ hasText: `${n} / ${SLICES}` })
    .waitFor();
  await waitRendered(page, n - 1, 'grey', VENOUS_WINDOW);
}

/** Where a continuous image coordinate is on the page, as the canvas sits now. */
async function pagePoint(x: number, y: number, d: SeriesDetail): Promise<{ x: number; y: number }> {
  const r = await page.getByTestId('slice-canvas').boundingBox();
  if (!r) throw new Error('the slice canvas is not on screen');
  return { x: r.x + (x * r.width) / d.summary.cols, y: r.y + (y * r.height) / d.summary.rows };
}

async function centreOf(selector: string): Promise<{ x: number; y: number }> {
  const r = await page.locator(selector).boundingBox();
  if (!r) throw new Error(`${selector} is not on screen`);
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

beforeAll(async () => {
  if (!existsSync(MODEL)) throw new Error(`the tiny test model is missing: ${MODEL}`);
  // Seed 2024: two of the three patients have thrombi; the one without is imported first, before
  // auto-run is on, so that the cases read (the two auto-run ran on) both have reference thrombi.
  fx = await startUiFixture({ patients: 3, slices: SLICES, seed: 2024 });
  page = fx.page;
  await page.setViewportSize({ width: 1400, height: 900 });
  const h = fx.handlers;
  const healthy = fx.truth.patients.find((p) => !p.hasDvt);
  if (!healthy) throw new Error('the cohort was meant to have a patient without thrombi');
  notRunUid = SeriesUid.parse(healthy.seriesInstanceUid);
  await h['catalog:import']({ paths: [join(fx.cohortDir, healthy.folder)] });
  model = (await h['models:add']({ path: MODEL })).model;
  reader = await h['readers:add']({ name: 'Dr Read' });
  await page.goto(fx.harness.url);
  await page.getByTestId('workspace-path').waitFor();
});

afterAll(async () => {
  await fx?.close();
});

describe('the worklist', () => {
  it('opens on the worklist once a model is registered, marking the study not run', async () => {
    await page.getByRole('tab', { name: /Worklist/ }).waitFor();
    expect(await page.getByRole('tab', { name: /Worklist/ }).getAttribute('aria-selected')).toBe('true');
    await row(notRunUid).waitFor();
    expect(await row(notRunUid).getAttribute('data-run-state')).toBe('not-run');
    expect(await row(notRunUid).getByTestId('worklist-run-badge').innerText()).toBe('not run');
    expect(await page.getByTestId('worklist-model').inputValue()).toBe(String(model.id));
  });

  it('runs new imports with the chosen model when auto-run is on, and orders them by score', async () => {
    await page.getByTestId('worklist-autorun').check();
    await expect.poll(async () => (await fx.handlers['worklist:autorun-get']({})).modelId).toBe(model.id);

    await page.getByRole('textbox', { name: 'File or folder to import' }).fill(fx.cohortDir);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByTestId('import-report').waitFor();
    // The two new studies queue, run, and finish: the list follows by itself.
    await expect.poll(() => page.getByTestId('worklist-row').count(), { timeout: 30_000 }).toBe(3);
    await page
      .locator('[data-testid="worklist-row"][data-run-state="done"]')
      .nth(1)
      .waitFor({ timeout: 180_000 });
    await fx.workspace.inference.whenIdle();

    const want = await fx.handlers['worklist:get']({ modelId: model.id, readerId: reader.id });
    expect(want.rows.map((r) => r.runState)).toEqual(['done', 'done', 'not-run']);
    const scores = want.rows.slice(0, 2).map((r) => r.maxScore ?? -1);
    expect(scores[0]).toBeGreaterThanOrEqual(scores[1]!);
    expect(want.rows[2]!.seriesUid).toBe(notRunUid);
    await expect
      .poll(async () =>
        (await page.getByTestId('worklist-row').all()).length === 3
          ? Promise.all(
              (await page.getByTestId('worklist-row').all()).map((r) => r.getAttribute('data-series-uid')),
            )
          : [],
      )
      .toEqual(want.rows.map((r) => r.seriesUid));
    for (const r of want.rows) {
      const shown = row(r.seriesUid);
      expect(await shown.getByTestId('worklist-score').innerText()).toBe(
        r.maxScore === null ? '—' : r.maxScore.toFixed(2),
      );
    }
    expect(await row(notRunUid).getByTestId('worklist-run-badge').innerText()).toBe('not run');
    caseA = want.rows[0]!.seriesUid;
    caseB = want.rows[1]!.seriesUid;
    // The cohort's known thrombi as the reader "reference" (the ground truth of the comparison below).
    copyReferenceToReader(fx.workspace);
    await shot('reading-worklist.png');
  });
});

describe('reading a case with the model’s suggestions', () => {
  it('lists the suggestions of the top study by score, at the threshold chosen', async () => {
    runA = (await fx.handlers['runs:list']({ seriesUid: caseA })).find((r) => r.modelId === model.id)!;
    // A threshold that leaves a few suggestions (the random-weight model scores everything).
    const scores = (await fx.handlers['runs:predictions']({ runId: runA.id }))
      .map((p) => p.score)
      .sort((a, b) => b - a);
    expect(scores.length).toBeGreaterThanOrEqual(4);
    threshold = Math.floor(scores[3]! * 10_000) / 10_000;
    await page.getByTestId('worklist-threshold').fill(String(threshold));
    await page.getByTestId('worklist-threshold').press('Enter');
    await page.getByTestId('worklist-threshold').blur();
    suggestions = await listed();
    expect(suggestions.length).toBeGreaterThanOrEqual(4);
    await expect.poll(() => row(caseA).getAttribute('data-suggestions')).toBe(String(suggestions.length));

    await row(caseA).click();
    await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
    await page.getByTestId('reader-picker').getByRole('button', { name: 'Dr Read' }).click();
    await page.getByTestId('current-reader').filter({ hasText: 'Dr Read' }).waitFor();
    await expect.poll(() => page.getByTestId('suggestion-item').count()).toBe(suggestions.length);
    const ids = await Promise.all(
      (await page.getByTestId('suggestion-item').all()).map((l) => l.getAttribute('data-prediction-id')),
    );
    expect(ids).toEqual(suggestions.map((s) => String(s.predictionId)));
    const scoresShown = suggestions.map((s) => s.score);
    expect(scoresShown).toEqual([...scoresShown].sort((a, b) => b - a));
    expect(await item(suggestions[0]!).innerText()).toContain(`Slice ${suggestions[0]!.sliceIndex + 1}`);
    // The help lists the suggestion keys.
    await page.keyboard.press('?');
    const help = page.getByTestId('help-overlay');
    await help.waitFor();
    expect(await help.innerText()).toContain('next / previous suggestion');
    await shot('reading-help.png');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('Tab goes to the best suggestion and centres it in the view', async () => {
    // Zoomed in, so that centring moves the image.
    await page.getByTestId('slice-view').hover();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('Tab');
    const s = suggestions[0]!;
    await page
      .getByTestId('slice-number')
      .filter({ hasText: `${s.sliceIndex + 1} / ${SLICES}` })
      .waitFor();
    await waitRendered(page, s.sliceIndex, 'grey', VENOUS_WINDOW);
    expect(await item(s).getAttribute('aria-current')).toBe('true');
    const box = page.locator(
      `[data-testid="suggestion-box"][data-prediction-id="${s.predictionId}"][data-current="true"]`,
    );
    await box.waitFor();
    const r = (await box.boundingBox())!;
    const view = (await page.getByTestId('slice-view').boundingBox())!;
    expect(Math.abs(r.x + r.width / 2 - (view.x + view.width / 2))).toBeLessThan(2);
    expect(Math.abs(r.y + r.height / 2 - (view.y + view.height / 2))).toBeLessThan(2);
    await shot('reading-suggestion-centred.png');
    // Shift+Tab goes round to the last, Tab back to the first.
    await page.keyboard.press('Shift+Tab');
    expect(await item(suggestions.at(-1)!).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await item(s).getAttribute('aria-current')).toBe('true');
  });

  it('A accepts it: it becomes the reader’s box, which keeps its provenance', async () => {
    const s = suggestions[0]!;
    await page.keyboard.press('a');
    const [box] = await until(
      () => mine(caseA),
      (bs) => bs.length === 1,
    );
    expect(key(box!.box)).toBe(key(s.box));
    expect(box!.sliceIndex).toBe(s.sliceIndex);
    await page.locator(`[data-testid="annotation-box"][data-own="true"][data-box="${key(s.box)}"]`).waitFor();
    // The accepted suggestion is no longer drawn as one; the reader's box is tagged as from the AI.
    await expect
      .poll(() =>
        page.locator(`[data-testid="suggestion-box"][data-prediction-id="${s.predictionId}"]`).count(),
      )
      .toBe(0);
    await page.getByTestId('ai-box-mark').first().waitFor();
    expect(await item(s).getAttribute('data-state')).toBe('accepted');
    const decision = (await listed()).find((x) => x.predictionId === s.predictionId)!.decision;
    expect(decision?.kind).toBe('accepted');
    expect(decision?.boxId).toBe(box!.id);
    const provenance = page.getByTestId('box-provenance');
    await provenance.waitFor();
    const text = await provenance.innerText();
    expect(text).toContain(model.name);
    expect(text).toContain(`run #${runA.id}`);
    expect(text).toContain(`score ${s.score.toFixed(2)}`);
    expect(text).toContain('as suggested');
    await shot('reading-accepted.png');
  });

  it('E adjusts the next one on the image with the handles, and A accepts the adjusted box', async () => {
    const s = suggestions[1]!;
    await page.keyboard.press('Tab');
    expect(await item(s).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('e');
    await page.getByTestId('suggestion-adjusting').waitFor();
    await expect(page.getByTestId('suggestion-handle').count()).resolves.toBe(8);
    const from = await centreOf('[data-testid="suggestion-handle"][data-handle="se"]');
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 24, from.y + 16, { steps: 6 });
    await page.mouse.up();
    const adjusted = (await page.getByTestId('suggestion-adjusting').getAttribute('data-box'))!;
    expect(adjusted).not.toBe(key(s.box));
    const [x1, y1, x2, y2] = adjusted.split(',').map(Number);
    expect(x1).toBe(s.box.x1);
    expect(y1).toBe(s.box.y1);
    expect(x2!).toBeGreaterThan(s.box.x2);
    expect(y2!).toBeGreaterThan(s.box.y2);
    // Nothing is stored until it is accepted.
    expect(await mine(caseA)).toHaveLength(1);
    await shot('reading-adjusting.png');
    await page.keyboard.press('a');
    const boxes = await until(
      () => mine(caseA),
      (bs) => bs.length === 2,
    );
    const made = boxes.find((b) => key(b.box) === adjusted);
    expect(made).toBeDefined();
    await page.getByTestId('suggestion-adjusting').waitFor({ state: 'detached' });
    const provenance = (await fx.handlers['suggestions:provenance']({ seriesUid: caseA })).find(
      (p) => p.boxId === made!.id,
    );
    expect(provenance?.adjusted).toBe(true);
    expect(key(provenance!.suggestedBox)).toBe(key(s.box));
    await page.getByTestId('box-provenance').filter({ hasText: 'adjusted' }).waitFor();
  });

  it('rejects the next one with a reason: kept, crossed out', async () => {
    const s = suggestions[2]!;
    await page.keyboard.press('Tab');
    expect(await item(s).getAttribute('aria-current')).toBe('true');
    await page.getByTestId('reject-reason').selectOption('lymph node');
    await page.getByTestId('suggestion-reject').click();
    await until(
      listed,
      (l) => l.find((x) => x.predictionId === s.predictionId)?.decision?.kind === 'rejected',
    );
    const decision = (await listed()).find((x) => x.predictionId === s.predictionId)!.decision!;
    expect(decision.reason).toBe('lymph node');
    expect(decision.boxId).toBeNull();
    await page
      .locator(
        `[data-testid="suggestion-box"][data-prediction-id="${s.predictionId}"][data-state="rejected"]`,
      )
      .waitFor();
    expect(await item(s).getByTestId('suggestion-state').innerText()).toContain('lymph node');
    expect(await mine(caseA)).toHaveLength(2);
    await shot('reading-rejected.png');
  });

  it('Ctrl+Z undoes the reject and the accept; Ctrl+Shift+Z redoes the accept', async () => {
    const [first, second, third] = suggestions as [Suggestion, Suggestion, Suggestion];
    await page.getByTestId('slice-view').hover();
    await page.keyboard.press('Control+z');
    await until(listed, (l) => l.find((x) => x.predictionId === third.predictionId)?.decision === null);
    await expect.poll(() => item(third).getAttribute('data-state')).toBe('pending');

    await page.keyboard.press('Control+z');
    const afterUndo = await until(
      () => mine(caseA),
      (bs) => bs.length === 1,
    );
    expect(key(afterUndo[0]!.box)).toBe(key(first.box));
    await expect.poll(() => item(second).getAttribute('data-state')).toBe('pending');
    expect((await listed()).find((x) => x.predictionId === second.predictionId)?.decision).toBeNull();

    await page.keyboard.press('Control+Shift+Z');
    const redone = await until(
      () => mine(caseA),
      (bs) => bs.length === 2,
    );
    const back = redone.find((b) => key(b.box) !== key(first.box))!;
    const p = (await fx.handlers['suggestions:provenance']({ seriesUid: caseA })).find(
      (x) => x.boxId === back.id,
    );
    expect(p?.adjusted).toBe(true);
    await expect.poll(() => item(second).getAttribute('data-state')).toBe('accepted');
  });

  it('records the reading time of the case, read with suggestions, once it is marked done', async () => {
    await page.getByTestId('status-done').click();
    await expect.poll(() => row(caseA).getAttribute('data-status')).toBe('done');
    expect(await row(caseA).getByTestId('worklist-status-badge').innerText()).toBe('read');
    const times = await fx.handlers['reading:times']({ readerId: reader.id });
    const t = times.find((x) => x.seriesUid === caseA);
    expect(t?.done).toBe(true);
    expect(t?.assisted).toBe(true);
    expect(t?.seconds).toBeGreaterThanOrEqual(0);
  });

  it('reads the second case without suggestions (hidden), drawing a box on its thrombus', async () => {
    await page.getByTestId('show-suggestions').uncheck();
    await row(caseB).click();
    await page
      .locator(`[data-testid="worklist-row"][aria-current="true"][data-series-uid="${caseB}"]`)
      .waitFor();
    await waitRendered(page, 0, 'grey', VENOUS_WINDOW);
    await page.getByTestId('suggestions-hidden').waitFor();
    const detailB = await fx.handlers['series:detail']({ seriesUid: caseB });
    const thrombus = (await fx.handlers['series:reference']({ seriesUid: caseB })).boxes.find(
      (b) => b.kind === 'DVT',
    )!;
    await goToSlice(thrombus.sliceIndex + 1);
    expect(await page.getByTestId('suggestion-box').count()).toBe(0);
    await page.keyboard.press('b');
    const a = await pagePoint(thrombus.box.x1, thrombus.box.y1, detailB);
    const b = await pagePoint(thrombus.box.x2, thrombus.box.y2, detailB);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 6 });
    await page.mouse.up();
    await until(
      () => mine(caseB),
      (bs) => bs.length === 1,
    );
    await page.keyboard.press('v');
    await page.getByTestId('status-done').click();
    await expect.poll(() => row(caseB).getAttribute('data-status')).toBe('done');
    const t = (await fx.handlers['reading:times']({ readerId: reader.id })).find(
      (x) => x.seriesUid === caseB,
    );
    expect(t?.done).toBe(true);
    expect(t?.assisted).toBe(false);
    await shot('reading-unassisted.png');
  });
});

describe('readers against the model', () => {
  it('puts the reader’s operating points beside the model’s FROC curve, with and without AI', async () => {
    const reference = (await fx.handlers['readers:list']({})).find((r) => r.name === 'reference')!;
    const want = await fx.handlers['evaluation:readers']({
      referenceReaderId: reference.id,
      unit: 'slices',
      ...BOOTSTRAP,
    });
    const mineCmp = want.readers.find((r) => r.readerId === reader.id)!;
    expect(mineCmp.all?.cases).toBe(2);
    expect(mineCmp.assisted?.cases).toBe(1);
    expect(mineCmp.unassisted?.cases).toBe(1);

    await page.getByTestId('mode-evaluate').click();
    await page.getByTestId('evaluation-view').waitFor();
    await page.getByTestId('eval-reader').selectOption({ label: 'reference' });
    const plot = page.getByTestId('froc-plot');
    await page.locator('[data-testid="froc-plot"][data-reader-markers="3"]').waitFor();
    expect(await plot.getAttribute('data-series')).toBe('1');
    const items = page.getByTestId('froc-reader-item');
    expect(await items.count()).toBe(3);
    for (const [group, point] of [
      ['all', mineCmp.all],
      ['assisted', mineCmp.assisted],
      ['unassisted', mineCmp.unassisted],
    ] as const) {
      const li = page.locator(`[data-testid="froc-reader-item"][data-group="${group}"]`);
      expect(await li.getByTestId('froc-reader-sensitivity').innerText()).toBe(
        point!.sensitivity!.toFixed(3),
      );
      expect(await li.getByTestId('froc-reader-fppi').innerText()).toBe(point!.fppi.toFixed(3));
      const tr = page.locator(
        `[data-testid="reader-row"][data-reader-id="${reader.id}"][data-group="${group}"]`,
      );
      expect(await tr.getByTestId('reader-cases').innerText()).toBe(String(point!.cases));
      const sens = await tr.getByTestId('reader-sensitivity').innerText();
      expect(sens).toContain(point!.sensitivity!.toFixed(3));
      if (point!.sensitivityCi)
        expect(sens).toContain(
          `${point!.sensitivityCi.low.toFixed(3)}–${point!.sensitivityCi.high.toFixed(3)}`,
        );
      expect(await tr.getByTestId('reader-fppi').innerText()).toContain(point!.fppi.toFixed(3));
    }
    await page.locator('.froc-section').scrollIntoViewIfNeeded();
    await page
      .locator('.froc-section')
      .screenshot({ path: join(SCREENSHOT_DIR, 'reading-froc-readers.png') });
    await page.getByTestId('readers-section').scrollIntoViewIfNeeded();
    await page
      .getByTestId('readers-section')
      .screenshot({ path: join(SCREENSHOT_DIR, 'reading-readers-table.png') });
    await shot('reading-evaluate.png');
    expect(fx.problems).toEqual([]);
  });
});
