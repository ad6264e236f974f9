// `npm run bench`: import and load a 400-slice 512×512 series, next to pydicom + numpy loading the
// same files into an HU volume in the same run; prints a table with the ratio.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCohort } from '../src/main/phantom';
import { withHugePages } from '../src/main/platform/hugePages.mjs';
import { runAnnotationBench } from './annotations';
import { runEvaluationBench } from './evaluation';
import { runInferenceBench } from './inference';
import { runOverlayPaintBench } from './overlayPaint';

const SLICES = 400;
const RUNS = 3;
const PYTHON = '/usr/bin/python3';

interface Step {
  ms: number;
  /** Load steps: the same slices one by one through the viewer's series:slice handler. */
  sliceMs?: number;
  slices: number;
  peakRssMb: number;
  checksum?: number;
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

function runOurs(step: 'import' | 'load' | 'stages', ...args: string[]): unknown {
  return runOursWith(withHugePages(process.env), step, ...args);
}

function runOursWith(env: NodeJS.ProcessEnv, step: string, ...args: string[]): unknown {
  // Started the way bin/dvt.mjs and the app start our processes (see src/main/platform/hugePages.mjs).
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/oursLoad.ts', step, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    env,
  });
  return JSON.parse(out);
}

function runPydicom(dir: string): Reference {
  return JSON.parse(execFileSync(PYTHON, ['bench/pydicom_load.py', dir], { encoding: 'utf8' })) as Reference;
}

// `npm run bench -- inference` (or load, annotations, overlay, evaluation) runs only the sections named.
const only = process.argv.slice(2);
const want = (section: string): boolean => only.length === 0 || only.includes(section);

if (want('load')) {
  const dir = await seriesDir();
  const imports: Step[] = [];
  const loads: Step[] = [];
  const plainLoads: Step[] = [];
  const refs: Reference[] = [];
  for (let r = 0; r < RUNS; r++) {
    // Alternate so that file-cache warmth favours neither.
    refs.push(runPydicom(dir));
    const ws = mkdtempSync(join(tmpdir(), 'dvt-bench-ws-'));
    try {
      imports.push(runOurs('import', dir, ws) as Step);
      loads.push(runOurs('load', dir, ws) as Step);
      plainLoads.push(runOursWith({ ...process.env, DVT_NO_HUGEPAGES: '1' }, 'load', dir, ws) as Step);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  }
  const stages = runOurs('stages', dir) as Record<string, number>;
  const ref = refs[0] as Reference;
  const load = loads[0] as Step;
  if (load.checksum !== ref.checksum) {
    throw new Error(`HU volumes differ: ours sums to ${load.checksum}, pydicom to ${ref.checksum}`);
  }
  const refMs = median(refs.map((x) => x.ms));
  const loadMs = median(loads.map((x) => x.ms));
  const importMs = median(imports.map((x) => x.ms));
  const row = (name: string, ms: number, mem: number | null, ratio: string) =>
    `| ${name.padEnd(43)} | ${ms.toFixed(0).padStart(8)} | ${(ms / SLICES).toFixed(2).padStart(8)} | ${(mem === null ? '–' : mem.toFixed(0)).padStart(8)} | ${ratio.padStart(14)} |`;
  const faster = (ms: number): string => `${(refMs / ms).toFixed(2)}× faster`;
  console.log(
    `\nImport and load a ${SLICES}-slice 512×512 CT series (median of ${RUNS} runs, each step in its own process, same files)\n`,
  );
  console.log(
    `| ${'what'.padEnd(43)} | ${'ms'.padStart(8)} | ${'ms/slice'.padStart(8)} | ${'peak MB'.padStart(8)} | ${'vs pydicom'.padStart(14)} |`,
  );
  console.log(`|${'-'.repeat(45)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(16)}|`);
  console.log(
    row('pydicom + numpy: read → HU volume (ref)', refMs, median(refs.map((x) => x.peakRssMb)), '1.00×'),
  );
  console.log(
    row('ours: load series → HU volume', loadMs, median(loads.map((x) => x.peakRssMb)), faster(loadMs)),
  );
  const viewerMs = median(loads.map((x) => x.sliceMs ?? NaN));
  console.log(row('ours: viewer path, series:slice one by one', viewerMs, null, faster(viewerMs)));
  const plainMs = median(plainLoads.map((x) => x.ms));
  console.log(
    row(
      'ours: load, without huge pages',
      plainMs,
      median(plainLoads.map((x) => x.peakRssMb)),
      faster(plainMs),
    ),
  );
  console.log(
    row(
      'ours: import (hash, parse, decode, catalog)',
      importMs,
      median(imports.map((x) => x.peakRssMb)),
      faster(importMs),
    ),
  );
  console.log('\nWhere the time goes (each stage alone over the same files, one run):\n');
  for (const [stage, ms] of Object.entries(stages)) {
    console.log(`  ${stage.padEnd(8)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / SLICES).toFixed(2)} ms/slice`);
  }
  console.log(
    `\nGoal: load at least 2× faster than pydicom. HU volumes identical (checksum ${load.checksum}).` +
      `\nOur steps run with GLIBC_TUNABLES=${withHugePages({}).GLIBC_TUNABLES ?? '(unset: not Linux)'}, as bin/dvt.mjs and the app` +
      '\nstart them: without huge pages, first touching the 200 MB volume costs ~0.8 s here (numpy madvises them itself).',
  );
}

// Annotation storage at scale (issue 3): 100,000 boxes over 200 cases.
if (want('annotations')) console.log(await runAnnotationBench());

// Opening a case and painting a slice's annotation overlay in the real renderer (Chromium).
if (want('overlay')) console.log(await runOverlayPaintBench());

// RetinaNet models on ONNX Runtime next to PyTorch, and whole studies through the engine (issue 4).
if (want('inference')) console.log(await runInferenceBench());

// Table 1 with bootstrap intervals and the confidence slider over a 190-patient cohort of four models (issue 5).
if (want('evaluation')) console.log(await runEvaluationBench());
