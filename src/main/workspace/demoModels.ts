// The demo workspace's detectors: the four models shipped in resources/models (1-slice and 3-slice
// input × ResNet50 and ResNet152 backbones, trained on a separate synthetic cohort, see their model
// cards) are registered in the demo workspace and run on its cohort, so the comparison and FROC
// views have something to show on first start. A demo made before the models shipped gets them the
// next time it opens.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job } from '../../shared/inference/schemas';
import type { Workspace } from './workspace';

/** Set once the demo's models were registered and their runs queued (so a user's deletions stay). */
export const DEMO_MODELS_KEY = 'demo-models';

let bundledDir: string | null = null;

/** The Electron build knows where the app's resources are (set by its entry point). */
export function setDemoModelsDir(dir: string): void {
  bundledDir = dir;
}

/** resources/models of the app (from source: the repository's). */
export function demoModelsDir(): string {
  return (
    process.env['DVT_DEMO_MODELS'] ??
    bundledDir ??
    resolve(fileURLToPath(new URL('../../../resources/models/', import.meta.url)))
  );
}

export interface DemoModelsResult {
  registered: string[];
  jobs: Job[];
}

/**
 * Registers every `*.onnx` of `dir` (with its `.json` manifest beside it) and queues a run of each on
 * every series of the workspace. Does nothing when it was done before, or when `dir` has no models.
 */
export async function ensureDemoModels(ws: Workspace, dir = demoModelsDir()): Promise<DemoModelsResult> {
  const none = { registered: [], jobs: [] };
  if (!ws.isDemo() || ws.catalog.getMeta(DEMO_MODELS_KEY) !== undefined) return none;
  if (!existsSync(dir)) return none;
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.onnx'))
    .sort();
  if (files.length === 0) return none;
  const models = [];
  for (const f of files) models.push((await ws.inference.addModel(join(dir, f))).model.summary);
  const series = ws.catalog.allSeriesUids();
  const jobs =
    series.length > 0
      ? ws.inference.enqueue(
          models.map((m) => m.id),
          series,
          {},
        )
      : [];
  ws.catalog.setMeta(DEMO_MODELS_KEY, new Date().toISOString());
  return { registered: models.map((m) => m.name), jobs };
}
