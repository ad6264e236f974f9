import { readFile, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reader } from '../../src/shared/annotation/schemas';
import { pooledEvalInput, type EvaluationDataset } from '../../src/shared/evaluation/dataset';
import { prepareEvaluation, type PreparedEvaluation } from '../../src/shared/evaluation/prepared';
import {
  DEFAULT_EVAL_SETTINGS,
  type EvalInput,
  type EvalSettings,
  type Interval,
  type MeanSd,
} from '../../src/shared/evaluation/types';
import { SeriesUid } from '../../src/shared/ids';
import type { ModelSummary, RunSummary } from '../../src/shared/inference/schemas';
import { SCREENSHOT_DIR, startUiFixture, type UiFixture } from './fixture';

// Researchers compare two models in the real renderer (1400 × 900) against the real handlers: the
// comparison grid (boxes classified as the evaluator matches them, the case table, the slider and the
// IoU field, a case row, the next disagreement) and the evaluation view (the table with bootstrap
// intervals, the folds, the FROC plot and its exports). Every number on screen is checked against
// the shared evaluator run here on the same dataset. The steps share the page and run in order.

const SLICES = 10;
const MODEL_FILES = ['tiny-tv-raw-1slice', 'tiny-tv-raw-3slice'].map((n) =>
  resolve(`test/fixtures/models/${n}.onnx`),
);
/** The evaluation view's defaults (EvaluationViewState). */
const BOOTSTRAP = { resamples: 1000, seed: 20230101 };

let fx: UiFixture;
let page: Page;
let reader: Reader;
let models: ModelSummary[];
let runs: RunSummary[];
let dataset: EvaluationDataset;
let series: SeriesUid[];

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOT_DIR, name) });
const f3 = (v: number | null): string => (v === null || v < 0 ? '—' : v.toFixed(3));
const fInterval = (i: Interval | null): string => (i ? `${i.low.toFixed(3)}–${i.high.toFixed(3)}` : '—');
const fMeanSd = (m: MeanSd): string => (m.n > 0 ? `${m.mean.toFixed(3)} ± ${m.sd.toFixed(3)}` : '—');

/** What the evaluator says of one model: its runs pooled, matched at `iou`. */
interface Expected {
  model: ModelSummary;
  input: EvalInput;
  prepared: PreparedEvaluation;
  /** Dataset image index → index in `input.images`. */
  local: Map<number, number>;
}

function expectedFor(iou: number): Expected[] {
  return models.map((model) => {
    const indices = dataset.runs.flatMap((r, i) => (r.run.modelId === model.id ? [i] : []));
    const input = pooledEvalInput(dataset, indices);
    const byKey = new Map(input.images.map((img, i) => [img.key, i]));
    const local = new Map(dataset.images.map((img, d) => [d, byKey.get(img.key)!]));
    return { model, input, prepared: prepareEvaluation(input, iou), local };
  });
}

const settings = (iou: number, t: number): EvalSettings => ({
  ...DEFAULT_EVAL_SETTINGS,
  iouThreshold: iou,
  scoreThreshold: t,
});

/** Per series and model: TP, FP and FN at threshold t. */
function caseCounts(exp: Expected[], t: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const uid of series) {
    out.set(
      uid,
      exp.map((e) => {
        const pi = e.prepared.perImage(t);
        const c = { tp: 0, fp: 0, fn: 0 };
        dataset.images.forEach((img, d) => {
          if (img.seriesUid !== uid) return;
          const l = e.local.get(d)!;
          c.tp += pi.tp[l]!;
          c.fp += pi.fp[l]!;
          c.fn += pi.fn[l]!;
        });
        return `${c.tp}/${c.fp}/${c.fn}`;
      }),
    );
  }
  return out;
}

/** The boxes the evaluator makes of one slice for one model, as the grid tags them. */
function sliceBoxes(e: Expected, d: number, t: number): string[] {
  const l = e.local.get(d)!;
  const { groundTruth: gt, predictions: pr } = e.input;
  const box = (b: Float64Array, j: number): string => Array.from(b.subarray(j * 4, j * 4 + 4)).join(',');
  const out: string[] = [];
  for (let j = 0; j < gt.image.length; j++) {
    if (gt.image[j] !== l) continue;
    const by = e.prepared.gtMatchedBy[j]!;
    out.push(`${by >= 0 && pr.scores[by]! >= t ? 'gt' : 'fn'}:${box(gt.boxes, j)}`);
  }
  for (let j = 0; j < pr.image.length; j++) {
    if (pr.image[j] !== l || pr.scores[j]! < t) continue;
    out.push(`${e.prepared.predictionMatch[j]! >= 0 ? 'tp' : 'fp'}:${box(pr.boxes, j)}`);
  }
  return out.sort();
}

/** The case table as shown: series → each model's "tp/fp/fn", models in the table's column order. */
async function shownCases(keys: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const row of await page.getByTestId('case-row').all()) {
    const uid = (await row.getAttribute('data-series-uid'))!;
    const cells: string[] = [];
    for (const key of keys) {
      const get = (what: string): Promise<string> =>
        row.locator(`[data-testid="case-count"][data-model-key="${key}"][data-what="${what}"]`).innerText();
      cells.push(`${await get('tp')}/${await get('fp')}/${await get('fn')}`);
    }
    out.set(uid, cells);
  }
  return out;
}

/** The attributes of every element a locator matches, in one round trip. */
interface PageElement {
  getAttribute(name: string): string | null;
}
const attrs = (locator: Locator, names: string[]): Promise<(string | null)[][]> =>
  locator.evaluateAll(
    (els, n) => els.map((e) => n.map((a) => (e as unknown as PageElement).getAttribute(a))),
    names,
  );

const grid = () => page.getByTestId('compare-grid');
const cellOf = (m: ModelSummary) =>
  page.locator(`[data-testid="compare-cell"][data-model-key="model-${m.id}"]`);

/** Where the grid is: dataset image index of its series and slice. */
async function gridImage(): Promise<number> {
  const uid = await grid().getAttribute('data-series-uid');
  const slice = Number(await grid().getAttribute('data-slice'));
  return dataset.images.findIndex((img) => img.seriesUid === uid && img.sliceIndex === slice);
}

/** Waits until every cell shows image `d`'s boxes as the evaluator classifies them at (iou, t). */
async function expectCells(exp: Expected[], d: number, t: number): Promise<void> {
  const img = dataset.images[d]!;
  await page
    .locator(
      `[data-testid="compare-grid"][data-series-uid="${img.seriesUid}"][data-slice="${img.sliceIndex}"]`,
    )
    .waitFor();
  await page.locator(`[data-testid="compare-canvas"][data-rendered^="${img.sliceIndex}|"]`).first().waitFor();
  for (const e of exp) {
    const cell = cellOf(e.model);
    const want = sliceBoxes(e, d, t);
    await expect
      .poll(async () =>
        (await attrs(cell.getByTestId('compare-box'), ['data-kind', 'data-box']))
          .map((a) => a.join(':'))
          .sort(),
      )
      .toEqual(want);
    const pi = e.prepared.perImage(t);
    const l = e.local.get(d)!;
    expect(await cell.getByTestId('cell-tp').innerText()).toBe(String(pi.tp[l]));
    expect(await cell.getByTestId('cell-fp').innerText()).toBe(String(pi.fp[l]));
    expect(await cell.getByTestId('cell-fn').innerText()).toBe(String(pi.fn[l]));
    const op = e.prepared.operatingPoint(t);
    expect(await cell.getByTestId('cell-overall').innerText()).toBe(
      `Sn ${f3(op.sensitivity)} · FPPI ${f3(op.fppi)} · P ${f3(op.precision)}`,
    );
  }
}

/** Whether the models count differently on dataset image d. */
function disagree(exp: Expected[], t: number, d: number): boolean {
  const triples = exp.map((e) => {
    const pi = e.prepared.perImage(t);
    const l = e.local.get(d)!;
    return `${pi.tp[l]}/${pi.fp[l]}/${pi.fn[l]}`;
  });
  return new Set(triples).size > 1;
}

beforeAll(async () => {
  fx = await startUiFixture({ patients: 5, slices: SLICES, seed: 4242 });
  page = fx.page;
  await page.setViewportSize({ width: 1400, height: 900 });
  const h = fx.handlers;
  await h['catalog:import']({ paths: [fx.cohortDir] });
  series = fx.truth.patients.map((p) => SeriesUid.parse(p.seriesInstanceUid));
  reader = await h['readers:add']({ name: 'Dr Eval' });
  for (const path of MODEL_FILES) await h['models:add']({ path });
  models = (await h['models:list']({})).sort((a, b) => a.manifest.input.slices - b.manifest.input.slices);
  expect(models.map((m) => m.manifest.input.slices)).toEqual([1, 3]);
  await h['inference:start']({
    modelIds: models.map((m) => m.id),
    seriesUids: series,
  });
  await fx.workspace.inference.whenIdle();
  runs = await h['runs:list']({});
  expect(runs.map((r) => r.status)).toEqual(new Array(2 * series.length).fill('done'));

  // Ground truth: on each series, the 3-slice model's best box on two slices (hits for it, maybe not
  // for the other), the 1-slice model's best on another, and a box where neither looks (a miss).
  for (const uid of series) {
    const detail = await h['series:detail']({ seriesUid: uid });
    const boxes = [];
    const take = async (model: ModelSummary, skip: Set<number>): Promise<number> => {
      const run = runs.find((r) => r.modelId === model.id && r.seriesUid === uid)!;
      const all = await h['runs:predictions']({ runId: run.id });
      const best = all.sort((a, b) => b.score - a.score).find((p) => !skip.has(p.sliceIndex))!;
      const sop = detail.slices[best.sliceIndex]!.sopInstanceUid;
      boxes.push({ sopInstanceUid: sop, label: 'DVT', box: best.box });
      return best.sliceIndex;
    };
    const used = new Set<number>();
    used.add(await take(models[1]!, used));
    used.add(await take(models[1]!, used));
    used.add(await take(models[0]!, used));
    boxes.push({
      sopInstanceUid: detail.slices[0]!.sopInstanceUid,
      label: 'DVT',
      box: { space: 'dicom-pixel' as const, x1: 2, y1: 2, x2: 14, y2: 14 },
    });
    await h['annotations:create']({ seriesUid: uid, readerId: reader.id, boxes });
  }
  dataset = await h['evaluation:dataset']({ readerId: reader.id, runIds: runs.map((r) => r.id) });
  expect(dataset.groundTruth.image.length).toBe(4 * series.length);
  await page.goto(fx.harness.url);
  await page.getByTestId('workspace-path').waitFor();
});

afterAll(async () => {
  await fx?.close();
});

describe('comparing models side by side', () => {
  let exp: Expected[];
  let t = DEFAULT_EVAL_SETTINGS.scoreThreshold;
  const keys = (): string[] => models.map((m) => `model-${m.id}`);

  it('places the models by input on the grid and draws each slice as the evaluator matches it', async () => {
    await page.getByTestId('mode-compare').click();
    await page.getByTestId('compare-view').waitFor();
    for (const m of models) await cellOf(m).waitFor();
    // One backbone, two inputs: 1-slice above 3-slice.
    expect(await grid().getAttribute('data-rows')).toBe('2');
    expect(await grid().getAttribute('data-cols')).toBe('1');
    expect(await page.getByTestId('row-title').allInnerTexts()).toEqual(['1-slice', '3-slice']);
    expect(await page.getByTestId('col-title').allInnerTexts()).toEqual([models[0]!.manifest.backbone]);
    expect((await attrs(page.getByTestId('compare-cell'), ['data-model-key'])).map((a) => a[0])).toEqual(
      keys(),
    );

    exp = expectedFor(DEFAULT_EVAL_SETTINGS.iouThreshold);
    // The view opens on the first case.
    await grid()
      .and(page.locator(`[data-series-uid="${series[0]}"]`))
      .waitFor();
    await expectCells(exp, await gridImage(), t);
    // Every slice of that case, stepping with the keyboard.
    await page.getByTestId('compare-slice-slider').fill('1');
    for (let s = 0; s < SLICES; s++) {
      await expectCells(exp, s, t);
      if (s < SLICES - 1) await page.keyboard.press('ArrowDown');
    }
    await shot('compare-grid.png');
  });

  it('lists each case with every model’s TP / FP / FN, and the slider recomputes them all at once', async () => {
    await expect.poll(() => shownCases(keys())).toEqual(caseCounts(exp, t));
    // A threshold where the counts change.
    const candidates = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const before = JSON.stringify([...caseCounts(exp, t)]);
    t = candidates.find((c) => JSON.stringify([...caseCounts(exp, c)]) !== before) ?? 0.5;
    await page.getByTestId('eval-threshold').fill(String(t));
    expect(await page.getByTestId('eval-threshold-value').innerText()).toBe(t.toFixed(2));
    await expect.poll(() => shownCases(keys())).toEqual(caseCounts(exp, t));
    await expectCells(exp, await gridImage(), t);

    // Sorting by a count orders the rows by it (most first), clicking again reverses.
    const sort = page.locator(`[data-testid="sort-count"][data-model-key="${keys()[1]}"][data-what="fp"]`);
    await sort.click();
    const fps = async (): Promise<number[]> =>
      (
        await page
          .locator(`[data-testid="case-count"][data-model-key="${keys()[1]}"][data-what="fp"]`)
          .allInnerTexts()
      ).map(Number);
    const desc = await fps();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await sort.click();
    const asc = await fps();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
  });

  it('opens a case at its slice with the most false positives and misses', async () => {
    const uid = series[1]!;
    await page.locator(`[data-testid="case-row"][data-series-uid="${uid}"]`).click();
    await grid()
      .and(page.locator(`[data-series-uid="${uid}"]`))
      .waitFor();
    const d = await gridImage();
    const errors = (i: number): number =>
      exp.reduce((s, e) => {
        const pi = e.prepared.perImage(t);
        const l = e.local.get(i)!;
        return s + pi.fp[l]! + pi.fn[l]!;
      }, 0);
    const own = dataset.images.flatMap((img, i) => (img.seriesUid === uid ? [i] : []));
    expect(errors(d)).toBe(Math.max(...own.map(errors)));
    await expectCells(exp, d, t);
    expect(
      await page.locator(`[data-testid="case-row"][data-series-uid="${uid}"]`).getAttribute('class'),
    ).toContain('current');
  });

  it('jumps to the next slice where the models disagree', async () => {
    const n = dataset.images.length;
    for (let k = 0; k < 3; k++) {
      const from = await gridImage();
      let want = -1;
      for (let j = 1; j <= n; j++) {
        const d = (from + j) % n;
        if (disagree(exp, t, d)) {
          want = d;
          break;
        }
      }
      expect(want).toBeGreaterThanOrEqual(0);
      // The button, then the N key.
      if (k < 2) await page.getByTestId('next-disagreement').click();
      else await page.keyboard.press('n');
      const img = dataset.images[want]!;
      await page
        .locator(
          `[data-testid="compare-grid"][data-series-uid="${img.seriesUid}"][data-slice="${img.sliceIndex}"]`,
        )
        .waitFor();
      await expectCells(exp, want, t);
    }
  });

  it('lists N in the help', async () => {
    await page.keyboard.press('?');
    const help = page.getByTestId('help-overlay');
    await help.waitFor();
    expect(await help.innerText()).toContain('next / previous slice where the models disagree');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('re-matches every model when the IoU changes, and switches to the colour-blind palette', async () => {
    await page.getByTestId('eval-iou').fill('0.5');
    exp = expectedFor(0.5);
    await expect.poll(() => shownCases(keys())).toEqual(caseCounts(exp, t));
    await expectCells(exp, await gridImage(), t);
    await page.getByTestId('compare-palette').selectOption('okabe-ito');
    const tp = page.locator('[data-testid="compare-box"][data-kind="tp"]').first();
    if ((await tp.count()) > 0) expect(await tp.getAttribute('stroke')).toBe('#e69f00');
    await shot('compare-okabe-ito.png');
    await page.getByTestId('compare-palette').selectOption('paper');

    // For the record, a slice where the 3-slice model finds a thrombus, at a threshold just under that
    // prediction's score (the random-weight models find "thrombi" everywhere below it).
    const three = exp[1]!;
    const g = three.input.groundTruth.image.findIndex((_, j) => three.prepared.gtMatchedBy[j]! >= 0);
    expect(g).toBeGreaterThanOrEqual(0);
    const score = three.input.predictions.scores[three.prepared.gtMatchedBy[g]!]!;
    t = Math.floor(score * 100) / 100;
    const local = three.input.groundTruth.image[g]!;
    const d = [...three.local.entries()].find(([, l]) => l === local)![0];
    await page.getByTestId('eval-threshold').fill(String(t));
    await page.locator(`[data-testid="case-row"][data-series-uid="${dataset.images[d]!.seriesUid}"]`).click();
    await grid()
      .and(page.locator(`[data-series-uid="${dataset.images[d]!.seriesUid}"]`))
      .waitFor();
    await page.getByTestId('compare-slice-slider').fill(String(dataset.images[d]!.sliceIndex + 1));
    await expectCells(exp, d, t);
    await shot('compare-ground-truth-slice.png');
    expect(fx.problems).toEqual([]);
  });
});

describe('the evaluation view', () => {
  const iou = 0.5;
  let t: number;
  let exp: Expected[];

  it('shows a row per model with the evaluator’s numbers, then their bootstrap intervals', async () => {
    t = Number(await page.getByTestId('eval-threshold-value').innerText());
    exp = expectedFor(iou);
    await page.getByTestId('mode-evaluate').click();
    await page.getByTestId('evaluation-view').waitFor();
    const rows = page.getByTestId('metrics-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect((await attrs(rows, ['data-model-name'])).map((a) => a[0])).toEqual(models.map((m) => m.name));
    const s = settings(iou, t);
    for (const e of exp) {
      const row = page.locator(`[data-testid="metrics-row"][data-model-key="model-${e.model.id}"]`);
      const ev = e.prepared.evaluation(s);
      const want = {
        sensitivity: ev.overall.operatingPoint.sensitivity,
        fppi: ev.overall.operatingPoint.fppi,
        precision: ev.overall.operatingPoint.precision,
        ap101: ev.overall.mAP,
        cpm: ev.overall.froc.cpm,
      };
      for (const [key, value] of Object.entries(want)) {
        const cell = row.locator(`[data-testid="metric"][data-metric="${key}"]`);
        expect(await cell.locator('.v').innerText()).toBe(f3(value));
      }
    }
    await page
      .locator('[data-testid="background-status"][data-pending="false"]')
      .waitFor({ timeout: 60_000 });
    for (const e of exp) {
      const row = page.locator(`[data-testid="metrics-row"][data-model-key="model-${e.model.id}"]`);
      const b = e.prepared.bootstrap(s, BOOTSTRAP);
      for (const key of ['sensitivity', 'fppi', 'precision', 'ap101', 'cpm'] as const) {
        const cell = row.locator(`[data-testid="metric"][data-metric="${key}"]`);
        expect(await cell.getByTestId('metric-ci').innerText()).toBe(fInterval(b[key]));
      }
    }
    // Both groupings: one group per input, one backbone for both models.
    // The groupings (the paper's Tables 2 and 3): one group per input, one backbone for both models;
    // each cell the mean of its models.
    const cols = async (g: string): Promise<(string | null)[]> =>
      (await attrs(page.locator(`[data-grouping="${g}"] [data-testid="grouping-col"]`), ['data-group'])).map(
        (a) => a[0] ?? null,
      );
    expect(await cols('input')).toEqual(['1-slice', '3-slice']);
    expect(await cols('backbone')).toEqual([models[0]!.manifest.backbone]);
    const sn = exp.map((e) => e.prepared.evaluation(s).overall.operatingPoint.sensitivity!);
    const groupMean = (g: string, group: string): Promise<string> =>
      page
        .locator(
          `[data-grouping="${g}"] [data-testid="group-cell"][data-group="${group}"][data-metric="sensitivity"]`,
        )
        .getByTestId('group-mean')
        .innerText();
    expect(await groupMean('input', '3-slice')).toBe(f3(sn[1]!));
    expect(await groupMean('backbone', models[0]!.manifest.backbone)).toBe(f3((sn[0]! + sn[1]!) / 2));
    await shot('evaluate-table.png');
  });

  it('evaluates on the paper’s patches when asked, and on slices again', async () => {
    const patches = await fx.handlers['evaluation:dataset']({
      readerId: reader.id,
      runIds: runs.map((r) => r.id),
      unit: 'patches',
    });
    const s = settings(iou, t);
    const sensitivityOn = (d: EvaluationDataset, model: ModelSummary): string => {
      const indices = d.runs.flatMap((r, i) => (r.run.modelId === model.id ? [i] : []));
      const e = prepareEvaluation(pooledEvalInput(d, indices), iou).evaluation(s);
      return `${f3(e.overall.operatingPoint.sensitivity)} ${f3(e.overall.operatingPoint.fppi)}`;
    };
    const shown = async (model: ModelSummary): Promise<string> => {
      const row = page.locator(`[data-testid="metrics-row"][data-model-key="model-${model.id}"]`);
      const v = (k: string) => row.locator(`[data-testid="metric"][data-metric="${k}"] .v`).innerText();
      return `${await v('sensitivity')} ${await v('fppi')}`;
    };
    await page.getByTestId('eval-unit').selectOption('patches');
    for (const m of models)
      await expect.poll(() => shown(m), { timeout: 30_000 }).toBe(sensitivityOn(patches, m));
    // Fewer images than slices (patches sit where boxes and veins are), so a different FPPI.
    expect(patches.images.length).not.toBe(dataset.images.length);
    await page.getByTestId('eval-unit').selectOption('slices');
    for (const m of models)
      await expect.poll(() => shown(m), { timeout: 30_000 }).toBe(sensitivityOn(dataset, m));
  });

  it('assigns 5 folds and shows each model’s mean ± SD over them', async () => {
    expect(await page.getByTestId('metric-cv').first().innerText()).toContain('no folds');
    await page.getByTestId('assign-folds').click();
    await page.getByTestId('folds').filter({ hasText: 'Folds: 5' }).waitFor();
    await page.getByTestId('metric-cv').first().filter({ hasText: '±' }).waitFor();
    const folds = await fx.handlers['folds:get']({});
    expect(folds.k).toBe(5);
    const foldOf = new Map(folds.folds.map((f) => [f.patientId, f.fold]));
    for (const e of exp) {
      const cv = e.prepared.crossValidate(settings(iou, t), foldOf);
      const text = await page
        .locator(
          `[data-testid="metrics-row"][data-model-key="model-${e.model.id}"] [data-testid="metric-cv"]`,
        )
        .innerText();
      expect(text).toContain(`Sn ${fMeanSd(cv.sensitivity)}`);
      expect(text).toContain(`FPPI ${fMeanSd(cv.fppi)}`);
    }
  });

  it('draws the FROC curves with their CPMs, and exports the plot and the numbers', async () => {
    const plot = page.getByTestId('froc-plot');
    await plot.scrollIntoViewIfNeeded();
    await page.locator('[data-testid="froc-plot"][data-draws]').waitFor();
    await page
      .locator('[data-testid="background-status"][data-pending="false"]')
      .waitFor({ timeout: 60_000 });
    // The chart's canvas has the curves on it: pixels of both models' colours.
    const painted = await plot.locator('canvas').evaluate((c) => {
      const canvas = c as unknown as {
        width: number;
        height: number;
        getContext(k: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(2000);
    const s = settings(iou, t);
    for (const e of exp) {
      const item = page.locator(`[data-testid="froc-legend-item"][data-model-key="model-${e.model.id}"]`);
      expect(await item.getByTestId('froc-cpm').innerText()).toBe(
        f3(e.prepared.evaluation(s).overall.froc.cpm),
      );
    }
    await shot('evaluate-froc.png');

    const save = async (testId: string): Promise<{ name: string; body: Buffer }> => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      const body = await readFile(await download.path());
      // Kept beside the screenshots, to look at.
      await writeFile(join(SCREENSHOT_DIR, `evaluate-export${extname(download.suggestedFilename())}`), body);
      return { name: download.suggestedFilename(), body };
    };
    const svg = await save('export-svg');
    expect(svg.name).toMatch(/-froc\.svg$/);
    const text = svg.body.toString('utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text.match(/data-curve=/g)).toHaveLength(2);
    expect(text.match(/data-band=/g)).toHaveLength(2);
    for (const e of exp)
      expect(text).toContain(`${e.model.name} — CPM ${f3(e.prepared.evaluation(s).overall.froc.cpm)}`);

    const csv = (await save('export-csv')).body.toString('utf8').trim().split('\n');
    expect(csv[0]).toBe('model,kind,fppi,sensitivity,score,ci_low,ci_high');
    const cpmLines = csv.filter((l) => l.split(',')[1] === 'cpm');
    expect(cpmLines).toHaveLength(2);

    const json = JSON.parse((await save('export-json')).body.toString('utf8')) as {
      settings: EvalSettings;
      models: { name: string; metrics: { sensitivity: number | null } }[];
    };
    expect(json.settings.iouThreshold).toBe(iou);
    expect(json.models.map((m) => m.name)).toEqual(models.map((m) => m.name));
    expect(json.models[0]!.metrics.sensitivity).toBe(
      exp[0]!.prepared.evaluation(s).overall.operatingPoint.sensitivity,
    );

    const png = await save('export-png');
    expect(png.name).toMatch(/-froc\.png$/);
    expect(png.body.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(fx.problems).toEqual([]);
  });

  it('returns to the Read view as it was', async () => {
    await page.getByTestId('mode-read').click();
    await page.getByRole('textbox', { name: 'File or folder to import' }).waitFor();
    expect(await page.getByTestId('compare-view').count()).toBe(0);
    expect(fx.problems).toEqual([]);
  });

  it('reads the reader’s boxes again when Compare opens', async () => {
    // A box drawn meanwhile (here through the handlers) is ground truth the next time.
    const uid = series[0]!;
    const detail = await fx.handlers['series:detail']({ seriesUid: uid });
    await fx.handlers['annotations:create']({
      seriesUid: uid,
      readerId: reader.id,
      boxes: [
        {
          sopInstanceUid: detail.slices[1]!.sopInstanceUid,
          label: 'DVT',
          box: { space: 'dicom-pixel', x1: 3, y1: 3, x2: 13, y2: 13 },
        },
      ],
    });
    dataset = await fx.handlers['evaluation:dataset']({ readerId: reader.id, runIds: runs.map((r) => r.id) });
    expect(dataset.groundTruth.image.length).toBe(4 * series.length + 1);
    exp = expectedFor(iou);
    await page.getByTestId('mode-compare').click();
    const keys = models.map((m) => `model-${m.id}`);
    await expect.poll(() => shownCases(keys)).toEqual(caseCounts(exp, t));
    expect(fx.problems).toEqual([]);
  });
});
