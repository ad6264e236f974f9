import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { importPaths } from '../import/importPaths';
import { generateCohort } from '../phantom';
import type { Workspace } from './workspace';

export const DEMO_PATIENTS = 10;
export const DEMO_SEED = 20230101;
export const DEMO_COHORT_DIR = 'demo-cohort';

export interface DemoOptions {
  onProgress?: (done: number, total: number) => void;
}

/**
 * Fills an empty workspace with the demo: a synthetic LECTA cohort generated into the workspace
 * folder, imported, and marked synthetic so that the UI says so. Returns false when the workspace
 * already holds data (the demo is made once, never over a user's data).
 */
export async function ensureDemoWorkspace(ws: Workspace, options: DemoOptions = {}): Promise<boolean> {
  if (ws.catalog.getMeta('demo') === 'true' || ws.catalog.counts().instances > 0) return false;
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
    ws.catalog.setMeta('demo', 'true');
    ws.catalog.setMeta('synthetic', 'true');
    ws.catalog.setMeta('ground-truth-file', cohort.groundTruthPath);
  })();
  return true;
}
