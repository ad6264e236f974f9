// Evaluation benchmark: a synthetic cohort of 4 models × 190 patients × 60 slices with 50 predictions
// per slice (570,000 predictions a model). Half the patients have 1–3 ground-truth boxes per slice;
// predictions cluster near them (jittered, some duplicates) and the rest are false positives scattered
// over the slice. Scores are float32 values, as a model gives them.
// Measures: (1) the paper's Table 1 for all four models from raw inputs (matching, point estimates,
// 5-fold cross-validation by patient, 1000-resample patient bootstrap), (2) one confidence-slider update
// (operatingPoint + perImage of all four models), (3) matching all four models (prepareEvaluation).
//   node --import tsx -e "import('./bench/evaluation.ts').then(async m => console.log(await m.runEvaluationBench()))"
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  assignFolds,
  DEFAULT_EVAL_SETTINGS,
  prepareEvaluation,
  type BootstrapResult,
  type CrossValidation,
  type EvalInput,
  type Evaluation,
  type PreparedEvaluation,
} from '../src/shared/evaluation';
import { mulberry32 } from '../src/shared/evaluation/random';

const PATIENTS = 190;
const SLICES = 60;
const PREDICTIONS_PER_SLICE = 50;
const RESAMPLES = 1000;
const FOLDS = 5;
const RUNS = 3;
const GOAL_TABLE_MS = 2000;
const GOAL_SLIDER_MS = 50;

/** A model's quality: how often it finds a box, how tightly, and how its scores separate TP from FP. */
interface ModelSpec {
  name: string;
  seed: number;
  detectRate: number;
  jitter: number;
  hitScore: number;
}

const MODELS: ModelSpec[] = [
  { name: 'ResNet50 1-slice (synthetic)', seed: 11, detectRate: 0.9, jitter: 0.15, hitScore: 0.75 },
  { name: 'ResNet50 3-slice (synthetic)', seed: 12, detectRate: 0.92, jitter: 0.12, hitScore: 0.8 },
  { name: 'ResNet152 3-slice (synthetic)', seed: 13, detectRate: 0.94, jitter: 0.1, hitScore: 0.82 },
  { name: 'ResNet152 1-slice (synthetic)', seed: 14, detectRate: 0.85, jitter: 0.2, hitScore: 0.65 },
];

interface Cohort {
  images: EvalInput['images'];
  gtBoxes: Float64Array;
  gtImage: Int32Array;
}

/** The readers' ground truth, shared by all models (seeded). */
function syntheticCohort(seed: number): Cohort {
  const random = mulberry32(seed);
  const images: { key: string; patientId: string }[] = [];
  const boxes: number[] = [];
  const image: number[] = [];
  for (let p = 0; p < PATIENTS; p++) {
    const sick = p % 2 === 0;
    for (let s = 0; s < SLICES; s++) {
      const i = images.length;
      images.push({ key: `1.2.826.0.1.3680043.10.999.${p}.${s}`, patientId: `BENCH-${p}` });
      if (!sick) continue;
      const n = 1 + Math.floor(random() * 3);
      for (let g = 0; g < n; g++) {
        const w = 12 + 28 * random();
        const h = 12 + 28 * random();
        const x = 100 + 300 * random();
        const y = 150 + 250 * random();
        boxes.push(x, y, x + w, y + h);
        image.push(i);
      }
    }
  }
  return { images, gtBoxes: Float64Array.from(boxes), gtImage: Int32Array.from(image) };
}

/** One model's predictions: 50 per slice, grouped by slice (seeded). */
function syntheticModel(cohort: Cohort, spec: ModelSpec): EvalInput {
  const random = mulberry32(spec.seed);
  const numImages = cohort.images.length;
  const n = numImages * PREDICTIONS_PER_SLICE;
  const image = new Int32Array(n);
  const label = new Int32Array(n);
  const boxes = new Float64Array(n * 4);
  const scores = new Float64Array(n);
  const clamp = (v: number): number => Math.min(1, Math.max(0, v));
  let k = 0;
  let g = 0;
  for (let i = 0; i < numImages; i++) {
    let left = PREDICTIONS_PER_SLICE;
    for (; g < cohort.gtImage.length && cohort.gtImage[g] === i; g++) {
      if (random() > spec.detectRate) continue;
      // A hit, sometimes a duplicate beside it.
      const copies = random() < 0.3 ? 2 : 1;
      for (let c = 0; c < copies && left > 0; c++, left--, k++) {
        const [x1, y1, x2, y2] = cohort.gtBoxes.subarray(4 * g, 4 * g + 4) as unknown as number[];
        const w = x2! - x1!;
        const h = y2! - y1!;
        const j = (): number => (random() - 0.5) * 2 * spec.jitter;
        image[k] = i;
        boxes.set([x1! + j() * w, y1! + j() * h, x2! + j() * w, y2! + j() * h], 4 * k);
        scores[k] = Math.fround(clamp(spec.hitScore + 0.25 * (random() + random() - 1) - 0.2 * c));
      }
    }
    for (; left > 0; left--, k++) {
      const w = 8 + 40 * random();
      const h = 8 + 40 * random();
      const x = 450 * random();
      const y = 450 * random();
      image[k] = i;
      boxes.set([x, y, x + w, y + h], 4 * k);
      // Mostly below the 0.1 operating point (the detector's candidate pool), ~3% confident ones.
      scores[k] = Math.fround(random() < 0.03 ? 0.1 + 0.8 * random() ** 2 : 0.1 * random() ** 0.7);
    }
  }
  return {
    images: cohort.images,
    labels: ['dvt'],
    groundTruth: {
      image: cohort.gtImage,
      label: new Int32Array(cohort.gtImage.length),
      boxes: cohort.gtBoxes,
    },
    predictions: { image, label, boxes, scores },
  };
}

interface TableRow {
  model: string;
  evaluation: Evaluation;
  cv: CrossValidation;
  ci: BootstrapResult;
}

function table1(inputs: EvalInput[], foldOf: ReadonlyMap<string, number>): TableRow[] {
  const settings = DEFAULT_EVAL_SETTINGS;
  return inputs.map((input, m) => {
    const prepared = prepareEvaluation(input, settings.iouThreshold);
    return {
      model: MODELS[m]!.name,
      evaluation: prepared.evaluation(settings),
      cv: prepared.crossValidate(settings, foldOf),
      ci: prepared.bootstrap(settings, { resamples: RESAMPLES, seed: 2024 }),
    };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Wall-clock and process CPU time (user + system, all threads) of a call. */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

export function runEvaluationBench(): Promise<string> {
  const cohort = syntheticCohort(2024);
  const inputs = MODELS.map((spec) => syntheticModel(cohort, spec));
  const patients = [...new Set(cohort.images.map((i) => i.patientId))];
  const foldOf = assignFolds(patients, FOLDS, 7);

  // Warm-up (JIT) on one model, then the measured runs.
  table1(inputs.slice(0, 1), foldOf);
  const tableRuns = Array.from({ length: RUNS }, () => time(() => table1(inputs, foldOf)));
  const rows = tableRuns[0]!.value;

  const prepareRuns = Array.from({ length: RUNS }, () =>
    time(() => inputs.map((input) => prepareEvaluation(input, DEFAULT_EVAL_SETTINGS.iouThreshold))),
  );
  const prepared: PreparedEvaluation[] = prepareRuns[0]!.value;

  let checksum = 0;
  const slider = (t: number): void => {
    for (const p of prepared) {
      checksum += p.operatingPoint(t).tp;
      checksum += p.perImage(t).fp[0]!;
    }
  };
  for (let i = 0; i < 20; i++) slider(i / 20);
  const sliderRuns = Array.from({ length: 50 }, (_, i) => time(() => slider(0.05 + i * 0.018)));

  const n = inputs[0]!.predictions.scores.length;
  type Run = { ms: number; cpuMs: number };
  const steps: [string, Run[], number | null][] = [
    [
      `Table 1, 4 models (match, evaluate, ${FOLDS}-fold CV, ${RESAMPLES}-resample bootstrap)`,
      tableRuns,
      GOAL_TABLE_MS,
    ],
    ['Slider update, 4 models (operatingPoint + perImage)', sliderRuns, GOAL_SLIDER_MS],
    ['Prepare (match) 4 models', prepareRuns, null],
  ];
  const ms1 = (v: number): string => v.toFixed(v < 10 ? 2 : 0);
  const fmt = (v: number, d = 3): string => v.toFixed(d);
  const ci = (i: { low: number; high: number } | null): string => (i ? `${fmt(i.low)}–${fmt(i.high)}` : '—');
  const ms = (m: { mean: number; sd: number }): string => `${fmt(m.mean)} ± ${fmt(m.sd)}`;
  const lines = [
    `### Evaluation: ${MODELS.length} models × ${PATIENTS} patients × ${SLICES} slices, ${PREDICTIONS_PER_SLICE} predictions a slice (${n.toLocaleString('en-US')} a model, ${cohort.gtImage.length.toLocaleString('en-US')} GT boxes)`,
    '',
    '| step | wall ms (median) | CPU ms (median) | goal (ms) | goal / wall |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...steps.map(([name, runs, goal]) => {
      const wall = median(runs.map((r) => r.ms));
      const cpu = median(runs.map((r) => r.cpuMs));
      return `| ${name} | ${ms1(wall)} | ${ms1(cpu)} | ${goal ?? '—'} | ${goal ? `${(goal / wall).toFixed(1)}×` : '—'} |`;
    }),
    '',
    `Table 1 runs, wall ms: ${tableRuns.map((r) => r.ms.toFixed(0)).join(', ')}; prepare runs: ${prepareRuns.map((r) => r.ms.toFixed(0)).join(', ')}. ` +
      `CPU time includes V8's GC helper threads. Slider checksum ${checksum}. Load average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} (${availableParallelism()} CPUs).`,
    '',
    '| model | sensitivity (95% CI) | FPPI (95% CI) | precision (95% CI) | AP (95% CI) | CPM (95% CI) | CV sensitivity | CV AP |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(({ model, evaluation: e, cv, ci: b }) => {
      const op = e.overall.operatingPoint;
      return `| ${model} | ${fmt(op.sensitivity ?? NaN)} (${ci(b.sensitivity)}) | ${fmt(op.fppi)} (${ci(b.fppi)}) | ${fmt(op.precision ?? NaN)} (${ci(b.precision)}) | ${fmt(e.overall.mAP)} (${ci(b.ap101)}) | ${fmt(e.overall.froc.cpm ?? NaN)} (${ci(b.cpm)}) | ${ms(cv.sensitivity)} | ${ms(cv.ap101)} |`;
    }),
  ];
  return Promise.resolve(lines.join('\n'));
}
