// Overlay paint benchmark in the real renderer (Debian's Chromium through the browser harness):
// open a case of ~500 boxes (one reader, 60 slices) and paint one slice's annotation overlay.
//   node --import tsx bench/overlayPaint.ts       (or runOverlayPaintBench() from bench/index.ts)
// Needs the built renderer (out/renderer, `npm run build`). Times are taken inside the page with
// performance.now(): from the input event's timeStamp to the frame after the overlay's DOM changed
// (MutationObserver on the SVG's data-overlay-slice, then requestAnimationFrame, then a task, so that
// the frame holding the new boxes has been painted).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../src/main/harness/server';
import { generateCohort } from '../src/main/phantom';
import { createHandlers } from '../src/main/services/handlers';
import { openWorkspace, type Workspace } from '../src/main/workspace/workspace';
import type { NewBox } from '../src/shared/annotation/schemas';
import { SeriesUid } from '../src/shared/ids';
import { groundTruthSchema } from '../src/shared/phantom/groundTruth';
// Launched exactly as the UI tests launch it.
import { CHROMIUM_ARGS } from '../test/ui/fixture';

const RENDERER_DIR = resolve('out/renderer');
const SLICES = 60;
const BOXES = 500;
const OPENS = 5;
const STEPS = 50;
const READER = 'Bench Reader';
const FRAME_MS = 1000 / 60;

/** The page-side globals used below (the bench compiles without the DOM library). */
interface BenchWindow {
  __overlayBench?: Promise<number>;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] ?? NaN;

/**
 * Arms a measurement in the page: the next `event` (click or keydown) starts the clock; it stops one
 * frame after the overlay shows slice `slice` with `count` boxes. The result is awaited by `measured`.
 * Plain page-side JavaScript as a string: tsx would wrap named functions in a helper the page lacks.
 */
const ARM = `(ev, n, want) => {
  window.__overlayBench = new Promise((done, fail) => {
    let start = null;
    let observer = null;
    const timer = setTimeout(() => {
      observer?.disconnect();
      fail(new Error('overlay for slice ' + n + ' with ' + want + ' boxes not painted in 10 s'));
    }, 10000);
    addEventListener(ev, (e) => { start = e.timeStamp; check(); }, { capture: true, once: true });
    function painted() {
      const svg = document.querySelector('[data-testid="annotation-overlay"]');
      return svg !== null && svg.getAttribute('data-overlay-slice') === String(n) &&
        svg.querySelectorAll('[data-testid="annotation-box"]').length === want;
    }
    function check() {
      if (start === null || observer === null || !painted()) return;
      observer.disconnect();
      observer = null;
      const t0 = start;
      // The frame that shows the change, then a task after it: that frame has been painted.
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => { clearTimeout(timer); done(performance.now() - t0); };
        ch.port2.postMessage(null);
      });
    }
    observer = new MutationObserver(check);
    observer.observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ['data-overlay-slice'],
    });
  });
}`;

async function arm(page: Page, event: 'click' | 'keydown', slice: number, count: number): Promise<void> {
  await page.evaluate(`(${ARM})(${JSON.stringify(event)}, ${slice}, ${count})`);
}

const measured = (page: Page): Promise<number> =>
  page.evaluate(
    () => (globalThis as unknown as BenchWindow).__overlayBench ?? Promise.reject(new Error('not armed')),
  );

const sliceRendered = (page: Page, index: number): Promise<unknown> =>
  page.waitForSelector(`[data-testid="slice-canvas"][data-rendered^="${index}|"]`);

export async function runOverlayPaintBench(): Promise<string> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    return `\nOverlay paint: skipped, the renderer is not built (${RENDERER_DIR}); run \`npm run build\` first.`;
  }
  const dir = await mkdtemp(join(tmpdir(), 'dvt-bench-overlay-'));
  let ws: Workspace | undefined;
  let harness: Harness | undefined;
  let browser: Browser | undefined;
  try {
    const cohortDir = join(dir, 'cohort');
    const cohort = await generateCohort({
      outDir: cohortDir,
      patients: 1,
      seed: 6060,
      slicesPerPatient: SLICES,
    });
    const truth = groundTruthSchema.parse(JSON.parse(await readFile(cohort.groundTruthPath, 'utf8')));
    const seriesUid = SeriesUid.parse(truth.patients[0]?.seriesInstanceUid);
    ws = openWorkspace(join(dir, 'workspace'));
    const h = createHandlers(ws);
    await h['catalog:import']({ paths: [cohortDir] });
    const detail = await h['series:detail']({ seriesUid });
    const rows = detail.summary.rows;
    const cols = detail.summary.cols;
    const readerId = (await h['readers:add']({ name: READER })).id;
    const perSlice = new Array<number>(detail.slices.length).fill(0);
    const boxes: NewBox[] = Array.from({ length: BOXES }, (_, k) => {
      const slice = (k * 7) % detail.slices.length;
      perSlice[slice] = (perSlice[slice] ?? 0) + 1;
      const x = (k * 37) % (cols - 60);
      const y = (k * 53) % (rows - 60);
      return {
        sopInstanceUid: detail.slices[slice]!.sopInstanceUid,
        label: 'DVT',
        box: {
          space: 'dicom-pixel',
          x1: x + 0.5,
          y1: y + 0.25,
          x2: x + 20 + (k % 40),
          y2: y + 15 + (k % 30),
        },
      };
    });
    await h['annotations:create']({ seriesUid, readerId, boxes });
    const stored = (await h['annotations:list']({ seriesUid })).length;

    harness = await startHarness({ handlers: h, rendererDir: RENDERER_DIR });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(harness.url);
    await page.getByTestId('reader-picker').getByRole('button', { name: READER }).click();
    await page.getByTestId('current-reader').filter({ hasText: READER }).waitFor();
    const series = page.locator(`[data-testid="series-item"][data-series-uid="${seriesUid}"]`);

    // (a) Open the case: click on the series → slice 1's overlay with its boxes painted. The page is
    // reloaded between runs (the reader is remembered), so each open starts from a fresh renderer.
    const opens: number[] = [];
    for (let r = 0; r < OPENS; r++) {
      if (r > 0) {
        await page.reload();
        await page.getByTestId('current-reader').filter({ hasText: READER }).waitFor();
      }
      await series.waitFor();
      await arm(page, 'click', 0, perSlice[0] ?? 0);
      await series.click();
      opens.push(await measured(page));
      await sliceRendered(page, 0);
    }

    // Warm every slice into the page's cache, then come back to the first one.
    for (let s = 1; s < SLICES; s++) {
      await page.keyboard.press('ArrowDown');
      await sliceRendered(page, s);
    }
    await page.keyboard.press('Home');
    await sliceRendered(page, 0);

    // (b) One slice step: ArrowDown → the new slice's overlay painted.
    const steps: number[] = [];
    for (let s = 1; s <= STEPS; s++) {
      await arm(page, 'keydown', s, perSlice[s] ?? 0);
      await page.keyboard.press('ArrowDown');
      steps.push(await measured(page));
      await sliceRendered(page, s);
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);

    const paint = median(steps);
    const tail = p95(steps);
    const stepBoxes = perSlice.slice(1, STEPS + 1);
    const table: [string, string, string][] = [
      [
        `open a case (click → slice 1's overlay, ${perSlice[0]} boxes)`,
        `${median(opens).toFixed(1)} ms`,
        `median of ${OPENS}, first ${opens[0]?.toFixed(1)} ms`,
      ],
      [
        'slice step (ArrowDown → overlay painted), median',
        `${paint.toFixed(2)} ms`,
        `${STEPS} cached slices, ~${(stepBoxes.reduce((a, b) => a + b, 0) / STEPS).toFixed(1)} boxes each`,
      ],
      ['slice step, p95', `${tail.toFixed(2)} ms`, `max ${Math.max(...steps).toFixed(2)} ms`],
    ];
    const w = [Math.max(...table.map((r) => r[0].length)), 12, Math.max(...table.map((r) => r[2].length))];
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(' | ')} |`;
    return [
      `\nOverlay paint in the renderer (Debian Chromium, headless, no GPU): ${stored} boxes of one reader ` +
        `over ${SLICES} slices of ${cols}×${rows}\n`,
      line(['what', 'time', 'note']),
      `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`,
      ...table.map(line),
      `\nGoal: paint a slice's overlay within one 60 Hz frame (${FRAME_MS.toFixed(1)} ms): ` +
        `median ${paint.toFixed(2)} ms (${paint < FRAME_MS ? 'met' : 'NOT met'}), ` +
        `p95 ${tail.toFixed(2)} ms (${tail < FRAME_MS ? 'met' : 'NOT met'}).`,
    ].join('\n');
  } finally {
    await browser?.close();
    await harness?.close();
    await ws?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runOverlayPaintBench());
}
