// One measured run of our import + volume load, in its own process so that its peak memory is its own.
// Usage: node --import tsx bench/oursLoad.ts SERIES_DIR WORKSPACE_DIR  → JSON on stdout.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDicom, toModalityValues } from '../src/main/dicom';
import { importPaths } from '../src/main/import/importPaths';
import { sha256 } from '../src/main/import/readInstance';
import { openWorkspace } from '../src/main/workspace/workspace';

const [seriesDir, workspaceDir] = process.argv.slice(2);
if (!seriesDir || !workspaceDir) throw new Error('usage: oursLoad.ts SERIES_DIR WORKSPACE_DIR');

const ws = openWorkspace(workspaceDir);
let t = performance.now();
const report = await importPaths(ws.catalog, [seriesDir]);
const importMs = performance.now() - t;
const series = report.series[0];
if (!series || report.errors.length > 0)
  throw new Error(`import failed: ${JSON.stringify(report.errors[0])}`);

// Load the whole series into one HU volume, in anatomical order, as the viewer and inference do.
t = performance.now();
const volume = (await ws.series.volume(series.seriesUid)).hu;
const loadMs = performance.now() - t;
let checksum = 0;
for (let i = 0; i < volume.length; i++) checksum += volume[i] as number;

// Where the time goes: each stage alone over the same files.
const files = readdirSync(seriesDir)
  .filter((f) => f.endsWith('.dcm'))
  .map((f) => join(seriesDir, f));
const stage = { readMs: 0, hashMs: 0, parseMs: 0, decodeMs: 0, huMs: 0 };
for (const f of files) {
  let s = performance.now();
  const bytes = await readFile(f);
  stage.readMs += performance.now() - s;
  s = performance.now();
  sha256(bytes);
  stage.hashMs += performance.now() - s;
  s = performance.now();
  const parsed = parseDicom(bytes);
  stage.parseMs += performance.now() - s;
  s = performance.now();
  const stored = parsed.decodeFrame(0);
  stage.decodeMs += performance.now() - s;
  s = performance.now();
  toModalityValues(stored, parsed.header.rescaleSlope, parsed.header.rescaleIntercept);
  stage.huMs += performance.now() - s;
}
ws.close();
process.stdout.write(
  JSON.stringify({
    importMs,
    loadMs,
    slices: series.slices,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    checksum,
    stages: stage,
  }),
);
