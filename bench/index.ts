// `npm run bench`: import and load a 400-slice 512×512 series, next to pydicom + numpy loading the
// same files into an HU volume in the same run; prints a table with the ratio.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCohort } from '../src/main/phantom';

const SLICES = 400;
const RUNS = 3;
const PYTHON = '/usr/bin/python3';

interface Ours {
  importMs: number;
  loadMs: number;
  slices: number;
  peakRssMb: number;
  checksum: number;
  stages: Record<string, number>;
}
interface Reference {
  ms: number;
  slices: number;
  peakRssMb: number;
  checksum: number;
}

async function seriesDir(): Promise<string> {
  const dir = join(tmpdir(), `dvt-bench-${SLICES}`);
  const seriesFolder = (): string | undefined => {
    if (!existsSync(dir)) return undefined;
    const patient = readdirSync(dir, { withFileTypes: true }).find((e) => e.isDirectory());
    if (!patient) return undefined;
    const folder = join(dir, patient.name);
    return readdirSync(folder).filter((f) => f.endsWith('.dcm')).length === SLICES ? folder : undefined;
  };
  const ready = seriesFolder();
  if (ready) return ready;
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`generating a ${SLICES}-slice phantom series in ${dir}…\n`);
  await generateCohort({ outDir: dir, patients: 1, seed: 400, slicesPerPatient: SLICES });
  const made = seriesFolder();
  if (!made) throw new Error('phantom generation did not give one series folder');
  return made;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? NaN;
};

function runOurs(dir: string): Ours {
  const ws = mkdtempSync(join(tmpdir(), 'dvt-bench-ws-'));
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/oursLoad.ts', dir, ws], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out) as Ours;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

function runPydicom(dir: string): Reference {
  return JSON.parse(execFileSync(PYTHON, ['bench/pydicom_load.py', dir], { encoding: 'utf8' })) as Reference;
}

const dir = await seriesDir();
const ours: Ours[] = [];
const refs: Reference[] = [];
for (let r = 0; r < RUNS; r++) {
  // Alternate so that file-cache warmth favours neither.
  refs.push(runPydicom(dir));
  ours.push(runOurs(dir));
}
const o = ours[0] as Ours;
const ref = refs[0] as Reference;
if (o.checksum !== ref.checksum) {
  throw new Error(`HU volumes differ: ours sums to ${o.checksum}, pydicom to ${ref.checksum}`);
}
const refMs = median(refs.map((x) => x.ms));
const loadMs = median(ours.map((x) => x.loadMs));
const importMs = median(ours.map((x) => x.importMs));
const row = (name: string, ms: number, mem: number, ratio: string) =>
  `| ${name.padEnd(42)} | ${ms.toFixed(0).padStart(8)} | ${(ms / SLICES).toFixed(2).padStart(8)} | ${mem
    .toFixed(0)
    .padStart(8)} | ${ratio.padStart(14)} |`;
console.log(
  `\nImport and load a ${SLICES}-slice 512×512 CT series (median of ${RUNS} runs, same machine, same files)\n`,
);
console.log(
  `| ${'what'.padEnd(42)} | ${'ms'.padStart(8)} | ${'ms/slice'.padStart(8)} | ${'peak MB'.padStart(8)} | ${'vs pydicom'.padStart(14)} |`,
);
console.log(`|${'-'.repeat(44)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(16)}|`);
console.log(
  row('pydicom + numpy: read → HU volume (ref)', refMs, median(refs.map((x) => x.peakRssMb)), '1.00×'),
);
console.log(
  row(
    'ours: load series → HU volume',
    loadMs,
    median(ours.map((x) => x.peakRssMb)),
    `${(refMs / loadMs).toFixed(2)}× faster`,
  ),
);
console.log(
  row(
    'ours: import (hash, parse, decode, catalog)',
    importMs,
    NaN,
    `${(refMs / importMs).toFixed(2)}× faster`,
  ),
);
console.log(
  row('ours: import + load', importMs + loadMs, NaN, `${(refMs / (importMs + loadMs)).toFixed(2)}× faster`),
);
console.log('\nWhere the time goes (each stage alone over the same files, one run):\n');
for (const [stage, ms] of Object.entries(o.stages)) {
  console.log(
    `  ${stage.replace(/Ms$/, '').padEnd(8)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / SLICES).toFixed(2)} ms/slice`,
  );
}
console.log(`\nGoal: load at least 2× faster than pydicom. HU volumes identical (checksum ${o.checksum}).`);
