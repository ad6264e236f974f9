// One measured step of ours, in its own process so that its time and peak memory are its own.
//   node --import tsx bench/oursLoad.ts import SERIES_DIR WORKSPACE_DIR  → import into a new workspace
//   node --import tsx bench/oursLoad.ts load SERIES_DIR WORKSPACE_DIR    → open it, load the series as an HU volume
//   node --import tsx bench/oursLoad.ts stages SERIES_DIR                → each stage alone over the files
// Prints JSON on stdout.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDicom, toModalityValuesInto } from '../src/main/dicom';
import { importPaths } from '../src/main/import/importPaths';
import { sha256 } from '../src/main/io/sha256';
import { readWholeFileSync } from '../src/main/io/readWholeFile';
import { createHandlers } from '../src/main/services/handlers';
import { openWorkspace } from '../src/main/workspace/workspace';
import { SeriesUid } from '../src/shared/ids';

const [step, seriesDir, workspaceDir] = process.argv.slice(2);
if (!step || !seriesDir) throw new Error('usage: oursLoad.ts import|load|stages SERIES_DIR [WORKSPACE_DIR]');
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

async function importStep(dir: string): Promise<object> {
  const ws = openWorkspace(dir);
  const t = performance.now();
  const report = await importPaths(ws.catalog, [seriesDir as string]);
  const ms = performance.now() - t;
  await ws.close();
  if (report.errors.length > 0) throw new Error(`import failed: ${JSON.stringify(report.errors[0])}`);
  return { ms, slices: report.series[0]?.slices ?? 0, peakRssMb: peakRssMb() };
}

async function loadStep(dir: string): Promise<object> {
  const ws = openWorkspace(dir);
  const series = ws.catalog
    .allPatients()
    .flatMap((p) =>
      ws.catalog.studiesOfPatient(p.id).flatMap((s) => ws.catalog.seriesOfStudy(s.study_uid)),
    )[0];
  if (!series) throw new Error('no series in the workspace');
  const t = performance.now();
  const volume = await ws.series.volume(series.series_uid);
  const ms = performance.now() - t;
  // Sum of each slice's HU times its 1-based position: a misordered volume gives another value.
  const size = volume.rows * volume.cols;
  let checksum = 0;
  for (let z = 0; z < volume.slices; z++) {
    let sliceSum = 0;
    for (let i = z * size; i < (z + 1) * size; i++) sliceSum += volume.hu[i] as number;
    checksum += sliceSum * (z + 1);
  }
  // The viewer's path: slice by slice through the series:slice handler (async reads, cache).
  const handlers = createHandlers(ws);
  const t2 = performance.now();
  for (let z = 0; z < volume.slices; z++) {
    await handlers['series:slice']({ seriesUid: SeriesUid.parse(series.series_uid), index: z });
  }
  const sliceMs = performance.now() - t2;
  await ws.close();
  return { ms, sliceMs, slices: volume.slices, peakRssMb: peakRssMb(), checksum };
}

function stagesStep(): object {
  const files = readdirSync(seriesDir as string)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => join(seriesDir as string, f));
  const stage = { read: 0, hash: 0, parse: 0, decode: 0, hu: 0 };
  const scratch = new Int16Array(512 * 512);
  for (const f of files) {
    let s = performance.now();
    const bytes = readWholeFileSync(f);
    stage.read += performance.now() - s;
    s = performance.now();
    sha256(bytes);
    stage.hash += performance.now() - s;
    s = performance.now();
    const parsed = parseDicom(bytes);
    stage.parse += performance.now() - s;
    s = performance.now();
    const stored = parsed.decodeFrame(0);
    stage.decode += performance.now() - s;
    s = performance.now();
    toModalityValuesInto(stored, parsed.header.rescaleSlope, parsed.header.rescaleIntercept, scratch);
    stage.hu += performance.now() - s;
  }
  return stage;
}

const result =
  step === 'import'
    ? await importStep(workspaceDir as string)
    : step === 'load'
      ? await loadStep(workspaceDir as string)
      : stagesStep();
process.stdout.write(JSON.stringify(result));
