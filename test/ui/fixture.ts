import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../../src/main/harness/server';
import { generateCohort } from '../../src/main/phantom';
import { createHandlers, type Handlers } from '../../src/main/services/handlers';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import type { PageGlobals } from './pageGlobals';
import { groundTruthSchema, type GroundTruth } from '../../src/shared/phantom/groundTruth';

export const RENDERER_DIR = resolve('out/renderer');
export const SCREENSHOT_DIR = resolve('test-results/ui');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface UiFixture {
  dir: string;
  cohortDir: string;
  /** A file in the cohort folder that is not DICOM, so that the import reports an error for it. */
  junkFile: string;
  truth: GroundTruth;
  workspace: Workspace;
  handlers: Handlers;
  harness: Harness;
  browser: Browser;
  page: Page;
  /** CSP violations and page errors seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export function assertRendererBuilt(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`the renderer is not built (${RENDERER_DIR}); run "npx electron-vite build" first`);
  }
}

/**
 * A small synthetic cohort on disk, an empty workspace,
 * the browser harness serving the built renderer, and Debian's Chromium with one page open on it.
 */
export async function startUiFixture(options: {
  patients: number;
  slices: number;
  seed: number;
}): Promise<UiFixture> {
  assertRendererBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'dvt-ui-'));
  const cohortDir = join(dir, 'cohort');
  const cohort = await generateCohort({
    outDir: cohortDir,
    patients: options.patients,
    seed: options.seed,
    slicesPerPatient: options.slices,
  });
  const truth = groundTruthSchema.parse(JSON.parse(await readFile(cohort.groundTruthPath, 'utf8')));
  const junkFile = join(cohortDir, 'notes', 'readme.dcm');
  await mkdir(join(cohortDir, 'notes'), { recursive: true });
  await writeFile(junkFile, 'this is not a DICOM file\n');

  const workspace = openWorkspace(join(dir, 'workspace'));
  const handlers = createHandlers(workspace);
  const harness = await startHarness({ handlers, rendererDir: RENDERER_DIR });
  await mkdir(SCREENSHOT_DIR, { recursive: true });

  const { browser, page, problems } = await launchPage();
  return {
    dir,
    cohortDir,
    junkFile,
    truth,
    workspace,
    handlers,
    harness,
    browser,
    page,
    problems,
    close: async () => {
      await browser.close();
      await harness.close();
      await workspace.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's Chromium with one page, listening for CSP violations (securitypolicyviolation events and
 * console reports) and uncaught page errors, which it collects in `problems`.
 */
export async function launchPage(): Promise<{ browser: Browser; page: Page; problems: string[] }> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.exposeFunction('__reportCsp', (text: string) => problems.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    const g = globalThis as unknown as PageGlobals;
    g.document.addEventListener('securitypolicyviolation', (e) => {
      void g.__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return { browser, page, problems };
}

/** Waits until the canvas shows slice `index` in `mode` under the given window. */
export async function waitRendered(
  page: Page,
  index: number,
  mode: 'grey' | 'rgb',
  w: { level: number; width: number },
): Promise<void> {
  await page.waitForSelector(
    `[data-testid="slice-canvas"][data-rendered="${index}|${mode}|${w.level}|${w.width}"]`,
  );
}

/** RGBA of one image pixel as the canvas holds it (the canvas is at full image resolution). */
export async function canvasPixel(
  page: Page,
  col: number,
  row: number,
): Promise<[number, number, number, number]> {
  return page.evaluate(
    ([x, y]) => {
      const canvas = (globalThis as unknown as PageGlobals).document.querySelector(
        '[data-testid="slice-canvas"]',
      );
      const ctx = canvas?.getContext('2d');
      if (!ctx) throw new Error('no slice canvas');
      const d = ctx.getImageData(x, y, 1, 1).data;
      return [d[0], d[1], d[2], d[3]] as [number, number, number, number];
    },
    [col, row] as const,
  );
}

/** The page coordinates of an image pixel's centre, as the canvas is placed on screen now. */
export async function pagePointOfPixel(
  page: Page,
  col: number,
  row: number,
): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([c, r]) => {
      const canvas = (globalThis as unknown as PageGlobals).document.querySelector(
        '[data-testid="slice-canvas"]',
      );
      if (!canvas) throw new Error('no slice canvas');
      const rect = canvas.getBoundingClientRect();
      return {
        x: rect.left + ((c + 0.5) * rect.width) / canvas.width,
        y: rect.top + ((r + 0.5) * rect.height) / canvas.height,
      };
    },
    [col, row] as const,
  );
}
