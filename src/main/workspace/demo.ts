import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { importPaths } from '../import/importPaths';
import { generateCohort } from '../phantom';
import { copyReferenceToReader } from '../reference/referenceReader';
import type { Workspace } from './workspace';

export const DEMO_PATIENTS = 10;
export const DEMO_SEED = 20230101;
export const DEMO_COHORT_DIR = 'demo-cohort';
/** Meta key set when demo creation begins; 'demo' is set only once it has finished. */
export const DEMO_STARTED_KEY = 'demo-started';

export interface DemoOptions {
  onProgress?: (done: number, total: number) => void;
}

/**
 * Fills an empty workspace with the demo: a synthetic LECTA cohort generated into the workspace
 * folder, imported, and marked synthetic so that the UI says so. Returns false when the workspace
 * already holds data (the demo is made once, never over a user's data).
 */
export async function ensureDemoWorkspace(ws: Workspace, options: DemoOptions = {}): Promise<boolean> {
  if (ws.catalog.getMeta('demo') === 'true') return false;
  // An earlier attempt got as far as marking its start but never finished (it failed or was killed
  // between import and the 'demo' flag): what it imported is demo data, not the user's, so drop it
  // and make the demo again. Without this, its rows would count as existing data below and the
  // workspace would stay a half-imported demo for good.
  if (ws.catalog.getMeta(DEMO_STARTED_KEY) !== undefined) discardUnfinishedDemo(ws);
  // Data without the start mark is the user's: the demo is never made over it.
  if (ws.catalog.counts().instances > 0) return false;
  // Marked before anything is written, so that a failure from here on is recognised next time.
  ws.catalog.setMeta(DEMO_STARTED_KEY, new Date().toISOString());
  const outDir = join(ws.dir, DEMO_COHORT_DIR);
  // A half-written cohort from an interrupted first start is discarded and made again.
  await rm(outDir, { recursive: true, force: true });
  const cohort = await generateCohort({
    outDir,
    patients: DEMO_PATIENTS,
    seed: DEMO_SEED,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const report = await importPaths(ws.catalog, [outDir]);
  if (report.errors.length > 0) {
    const first = report.errors[0];
    throw new Error(
      `the demo cohort did not import cleanly (${report.errors.length} errors; first: ${first?.file}: ${first?.reason})`,
    );
  }
  if (report.groundTruth.length !== 1) throw new Error('the demo cohort came without its ground truth');
  ws.db.transaction(() => {
    // The known thrombi as the reader "reference", so the evaluation views have a ground truth.
    copyReferenceToReader(ws);
    ws.catalog.setMeta('demo', 'true');
    ws.catalog.setMeta('synthetic', 'true');
    ws.catalog.setMeta('ground-truth-file', cohort.groundTruthPath);
  })();
  return true;
}

/**
 * Removes the catalog and reference rows of an unfinished demo attempt, in one transaction (all or
 * nothing), children before parents for the foreign keys. Only ever called when 'demo-started' is
 * set and 'demo' is not, i.e. when every row in the workspace came from that attempt.
 */
function discardUnfinishedDemo(ws: Workspace): void {
  ws.db.transaction(() => {
    for (const table of [
      'reference_boxes',
      'reference_patients',
      'reference_sets',
      'instances',
      'series',
      'studies',
      'patients',
    ]) {
      ws.db.prepare(`DELETE FROM ${table}`).run();
    }
  })();
}
