import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reader } from '../../src/shared/annotation/schemas';
import type { SeriesDetail } from '../../src/shared/catalog/schemas';
import type { ExportJob } from '../../src/shared/exchange/exchangeSchemas';
import { SeriesUid } from '../../src/shared/ids';
import { contract, type ChannelInput } from '../../src/shared/ipc/contract';
import { SCREENSHOT_DIR, startUiFixture, type UiFixture } from './fixture';

// The export / import dialog in the real renderer against the real handlers: a keras-retinanet CSV
// export of one reader checked against the files it wrote, a patch-set export cancelled while it
// writes (nothing left behind) and one refused by main (too few patients for its folds), an import
// of a native file as another reader (which the annotation panel then knows) and of a broken file
// (main's message, naming the file), and the de-identification warning. The steps share the page
// and run in order.

const PATIENTS = 5;
// Enough slices that a patch set takes seconds to write, so that it can be cancelled half-way.
const SLICES = 40;
let fx: UiFixture;
let page: Page;
let reader: Reader;
let series: SeriesUid[];
let details: SeriesDetail[];
/** Boxes of "Dr Csv": two slices of the first series (two boxes on one) and one of the second. */
const BOXES = [
  { s: 0, slice: 3, box: { x1: 200, y1: 210, x2: 240, y2: 250 } },
  { s: 0, slice: 4, box: { x1: 202, y1: 212, x2: 242, y2: 252 } },
  { s: 0, slice: 4, box: { x1: 300, y1: 300, x2: 330, y2: 340 } },
  { s: 1, slice: 10, box: { x1: 150, y1: 160, x2: 190.5, y2: 200.25 } },
];

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOT_DIR, name) });
const dialog = () => page.getByTestId('exchange-dialog');
const job = (state: ExportJob['state']) => page.locator(`[data-testid="export-job"][data-state="${state}"]`);

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Waits until main has a suggestion in the output folder field for this format. */
async function suggestedFolder(format: string): Promise<string> {
  const field = page.getByTestId('export-outdir');
  await expect
    .poll(() => field.inputValue())
    .toMatch(new RegExp(`[\\\\/]exports[\\\\/]${format}-[^\\\\/]+$`));
  return field.inputValue();
}

/** An export through the handlers (not the page), waited for. */
async function exportDirectly(request: ChannelInput<'exports:start'>): Promise<ExportJob> {
  // Parsed as main's dispatch does (the defaults filled in).
  const started = await fx.handlers['exports:start'](contract['exports:start'].input.parse(request));
  let current: ExportJob | undefined;
  await expect
    .poll(
      async () => {
        current = (await fx.handlers['exports:jobs']({})).find((j) => j.id === started.id);
        return current?.state;
      },
      { timeout: 30_000 },
    )
    .not.toBe('running');
  return current!;
}

beforeAll(async () => {
  fx = await startUiFixture({ patients: PATIENTS, slices: SLICES, seed: 2718 });
  page = fx.page;
  const h = fx.handlers;
  await h['catalog:import']({ paths: [fx.cohortDir] });
  series = fx.truth.patients.map((p) => SeriesUid.parse(p.seriesInstanceUid));
  details = await Promise.all(series.map((seriesUid) => h['series:detail']({ seriesUid })));
  reader = await h['readers:add']({ name: 'Dr Csv' });
  for (const s of [0, 1]) {
    await h['annotations:create']({
      seriesUid: series[s]!,
      readerId: reader.id,
      boxes: BOXES.filter((b) => b.s === s).map((b) => ({
        sopInstanceUid: details[s]!.slices[b.slice]!.sopInstanceUid,
        label: 'DVT',
        box: { space: 'dicom-pixel' as const, ...b.box },
      })),
    });
  }
  await page.goto(fx.harness.url);
  await page.getByTestId('workspace-path').waitFor();
});

afterAll(async () => {
  await fx?.close();
});

describe('exporting annotation sets', () => {
  it('exports one reader as keras-retinanet CSV, de-identified by default, and sums up what it wrote', async () => {
    await page.getByTestId('open-exchange').click();
    await dialog().waitFor();
    expect(await dialog().getAttribute('aria-labelledby')).toBe('exchange-title');
    await expect.poll(() => page.getByTestId('export-deidentify').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('export-deidentify-warning').count()).toBe(0);

    await page.getByTestId('export-format').selectOption('csv');
    expect(await page.getByTestId('export-format-description').innerText()).toContain('annotations.csv');
    const outDir = await suggestedFolder('csv');
    // One reader for CSV: a select (the reference truth is offered, the workspace being generated).
    const source = page.getByTestId('export-source');
    expect(await source.locator('option').allInnerTexts()).toEqual([
      'Choose a reader…',
      'Dr Csv',
      'Reference truth (generated cohort)',
    ]);
    await source.selectOption({ label: 'Dr Csv' });
    await page.getByTestId('export-slices').selectOption('all');
    await shot('exchange-export-form.png');

    await page.getByTestId('export-start').click();
    await job('done').waitFor({ timeout: 60_000 });
    await shot('exchange-export-done.png');

    const summary = page.getByTestId('export-summary');
    expect(await summary.getByTestId('summary-path').innerText()).toBe(outDir);
    expect(await summary.getByTestId('summary-deidentified').innerText()).toBe('yes');
    const files = filesUnder(outDir);
    const pngs = files.filter((f) => f.endsWith('.png'));
    // Every slice of the two series with boxes; the two CSV files besides.
    expect(pngs).toHaveLength(2 * SLICES);
    expect(await summary.getByTestId('summary-images').innerText()).toBe(String(pngs.length));
    expect(await summary.getByTestId('summary-files').innerText()).toBe(String(files.length));
    expect(files.map((f) => basename(f)).filter((f) => !f.endsWith('.png'))).toEqual(
      expect.arrayContaining(['annotations.csv', 'classes.csv']),
    );
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    expect(await summary.getByTestId('summary-size').getAttribute('data-bytes')).toBe(String(bytes));
    expect(await summary.getByTestId('summary-size').innerText()).toBe(`${(bytes / 1e6).toFixed(2)} MB`);

    // A row per box, and a row "path,,,,," per slice without boxes.
    const rows = readFileSync(join(outDir, 'annotations.csv'), 'utf8').trim().split('\n');
    const annotated = new Set(BOXES.map((b) => `${b.s}/${b.slice}`)).size;
    expect(rows).toHaveLength(BOXES.length + 2 * SLICES - annotated);
    expect(rows.filter((r) => r.endsWith(',,,,,'))).toHaveLength(2 * SLICES - annotated);
    expect(rows.filter((r) => r.endsWith(',DVT'))).toHaveLength(BOXES.length);
    // De-identified: no source UID in the rows or file names.
    const text = rows.join('\n') + pngs.join('\n');
    for (const d of details.slice(0, 2)) {
      for (const s of d.slices) expect(text).not.toContain(s.sopInstanceUid);
    }
    // The field has a new folder for the next export (this one is taken).
    await expect.poll(() => page.getByTestId('export-outdir').inputValue()).not.toBe(outDir);
  });

  it('warns when de-identification is turned off', async () => {
    const box = page.getByTestId('export-deidentify');
    await box.uncheck();
    const warning = page.getByTestId('export-deidentify-warning');
    await warning.waitFor();
    expect(await warning.innerText()).toContain(
      'names, IDs, dates and UIDs of the source DICOM will be written',
    );
    await shot('exchange-export-identified-warning.png');
    await box.check();
    await warning.waitFor({ state: 'detached' });
  });

  it('cancels a patch-set export while it writes, leaving no folder behind', async () => {
    await page.getByTestId('export-format').selectOption('patches');
    const outDir = await suggestedFolder('patches');
    await page.getByTestId('export-source').selectOption({ label: 'Reference truth (generated cohort)' });
    expect(await page.getByTestId('export-patch-input').count()).toBe(2);
    expect(await page.getByTestId('export-fold-k').inputValue()).toBe('5');
    await shot('exchange-export-patches-form.png');

    await page.getByTestId('export-start').click();
    const progress = page.getByRole('progressbar', { name: 'Export progress' });
    await progress.waitFor();
    // Writing, part of the way.
    await expect.poll(() => page.getByTestId('export-phase').innerText()).toBe('Writing files');
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    expect(Number(await progress.getAttribute('aria-valuenow'))).toBeLessThan(100);
    expect(await page.getByTestId('export-count').innerText()).toMatch(/^[1-9]\d* \/ [1-9]\d*$/);
    await shot('exchange-export-progress.png');
    // Escape does not close the dialog while an export runs.
    await page.keyboard.press('Escape');
    expect(await dialog().isVisible()).toBe(true);
    await page.getByTestId('export-cancel').click();
    await job('cancelled').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('export-cancelled').innerText()).toContain('nothing was written');
    await shot('exchange-export-cancelled.png');

    const jobs = await fx.handlers['exports:jobs']({});
    expect(jobs.find((j) => j.outDir === outDir)?.state).toBe('cancelled');
    expect(existsSync(outDir)).toBe(false);
    const staging = readdirSync(dirname(outDir)).filter((n) => n.startsWith(`.${basename(outDir)}.partial-`));
    expect(staging).toEqual([]);
  });

  it('shows why main refused an export: more folds than patients', async () => {
    await page.getByTestId('export-fold-k').fill(String(PATIENTS + 1));
    await page.getByTestId('export-start').click();
    await job('failed').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('export-error').innerText()).toContain(
      `${PATIENTS + 1} folds need at least ${PATIENTS + 1} patients; the export has ${PATIENTS}`,
    );
    await page.getByTestId('export-fold-k').fill('5');
  });
});

describe('importing annotation sets', () => {
  it('imports a native file as another reader, and the annotation panel learns the reader', async () => {
    const nativeDir = join(fx.dir, 'native-export');
    const exported = await exportDirectly({ format: 'native', outDir: nativeDir, readers: ['Dr Csv'] });
    expect(exported.state).toBe('done');
    const file = join(nativeDir, 'annotations.json');

    await page.getByTestId('tab-import').click();
    await page.getByTestId('import-annotations-path').fill(file);
    await page.getByTestId('import-annotations-reader').fill('Dr Import');
    await page.getByTestId('import-annotations-submit').click();
    const report = page.getByTestId('import-annotations-report');
    await report.waitFor();
    expect(await report.getByTestId('report-boxes-added').innerText()).toBe(String(BOXES.length));
    expect(await report.getByTestId('report-boxes-present').innerText()).toBe('0');
    expect(await report.getByTestId('report-readers').innerText()).toBe('Dr Import (new)');
    await shot('exchange-import-report.png');

    const readers = await fx.handlers['readers:list']({});
    const imported = readers.find((r) => r.name === 'Dr Import')!;
    const mine = (await fx.handlers['annotations:list']({ seriesUid: series[0]! })).filter(
      (b) => b.readerId === imported.id,
    );
    expect(mine.map((b) => b.sliceIndex).sort()).toEqual([3, 4, 4]);

    // The same file again adds nothing.
    await page.getByTestId('import-annotations-submit').click();
    await expect
      .poll(() => report.getByTestId('report-boxes-present').innerText())
      .toBe(String(BOXES.length));
    expect(await report.getByTestId('report-boxes-added').innerText()).toBe('0');
    expect(await report.getByTestId('report-readers').innerText()).toBe('Dr Import');
  });

  it('shows main’s message for a malformed file, naming it', async () => {
    const broken = join(fx.dir, 'broken annotations.json');
    await writeFile(broken, '{ "images": [ { "id": 1, ');
    await page.getByTestId('import-annotations-path').fill(broken);
    await page.getByTestId('import-annotations-reader').fill('');
    await page.getByTestId('import-annotations-submit').click();
    const error = page.getByTestId('import-annotations-error');
    await error.waitFor();
    expect(await error.innerText()).toContain(`${broken}: not JSON`);
    await expect.poll(() => page.getByTestId('import-annotations-report').count()).toBe(0);
    await shot('exchange-import-error.png');
  });

  it('lists every problem of a file on its own line, with its place', async () => {
    const coco = join(fx.dir, 'problems.json');
    const slice = details[0]!.slices[0]!.sopInstanceUid;
    await writeFile(
      coco,
      JSON.stringify({
        images: [
          { id: 1, file_name: `images/${slice}.png` },
          { id: 2, file_name: 'images/1.2.826.0.1.999999.1.png' },
        ],
        annotations: [
          { id: 1, image_id: 1, category_id: 1, bbox: [500, 500, 40, 40] },
          { id: 2, image_id: 2, category_id: 1, bbox: [10, 10, 20, 20] },
        ],
        categories: [{ id: 1, name: 'DVT' }],
      }),
    );
    await page.getByTestId('import-annotations-path').fill(coco);
    await page.getByTestId('import-annotations-submit').click();
    const error = page.getByTestId('import-annotations-error');
    await expect.poll(() => error.innerText()).toContain(`${coco}: 2 problems; nothing was imported`);
    const lines = (await error.innerText()).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`${coco}: annotations[0]`);
    expect(lines[2]).toContain(`${coco}: annotations[1]`);
    await shot('exchange-import-problems.png');
  });

  it('closes on Escape when idle; the reader picker lists the imported reader', async () => {
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });
    await page.getByTestId('reader-picker').getByRole('button', { name: 'Dr Import' }).waitFor();
    expect(fx.problems).toEqual([]);
  });
});
