// What `dvt eval` and `dvt froc` print: evaluations of runs (one by one, and each model's runs pooled
// over their series), with bootstrap intervals and cross-validation on request. JSON-ready objects.
import {
  bootstrap,
  crossValidate,
  evaluate,
  type BootstrapResult,
  type CrossValidation,
  type EvalInput,
  type EvalSettings,
  type Evaluation,
  type Froc,
  type FrocPoint,
} from '../../shared/evaluation';
import { pooledEvalInput, type EvaluationDataset } from '../../shared/evaluation/dataset';

export interface ReportOptions {
  settings: EvalSettings;
  bootstrap?: { resamples: number; seed: number };
  /** The stored folds, for cross-validation. */
  foldOf?: ReadonlyMap<string, number>;
}

/** An Froc without its curve (`dvt froc` prints curves). */
export type FrocSummary = Omit<Froc, 'curve'>;

/** An Evaluation whose FROCs leave out their curves. */
export type EvaluationSummary = Omit<Evaluation, 'perLabel' | 'overall'> & {
  perLabel: (Omit<Evaluation['perLabel'][number], 'froc'> & { froc: FrocSummary })[];
  overall: Omit<Evaluation['overall'], 'froc'> & { froc: FrocSummary };
};

export interface FoldSummary {
  fold: number;
  numPatients: number;
  numImages: number;
  overall: { operatingPoint: Evaluation['overall']['operatingPoint']; mAP: number; cpm: number | null };
}

export type CrossValidationSummary = Omit<CrossValidation, 'folds'> & { folds: FoldSummary[] };

export interface EvaluationReport {
  evaluation: EvaluationSummary;
  bootstrap?: BootstrapResult;
  crossValidation?: CrossValidationSummary;
}

const withoutCurve = ({ curve: _curve, ...rest }: Froc): FrocSummary => rest;

export function summarizeEvaluation(e: Evaluation): EvaluationSummary {
  return {
    ...e,
    perLabel: e.perLabel.map((l) => ({ ...l, froc: withoutCurve(l.froc) })),
    overall: { ...e.overall, froc: withoutCurve(e.overall.froc) },
  };
}

export function evaluationReport(input: EvalInput, options: ReportOptions): EvaluationReport {
  const report: EvaluationReport = { evaluation: summarizeEvaluation(evaluate(input, options.settings)) };
  if (options.bootstrap) report.bootstrap = bootstrap(input, options.settings, options.bootstrap);
  if (options.foldOf) {
    const cv = crossValidate(input, options.settings, options.foldOf);
    report.crossValidation = {
      ...cv,
      folds: cv.folds.map((f) => ({
        fold: f.fold,
        numPatients: f.numPatients,
        numImages: f.evaluation.numImages,
        overall: {
          operatingPoint: f.evaluation.overall.operatingPoint,
          mAP: f.evaluation.overall.mAP,
          cpm: f.evaluation.overall.froc.cpm,
        },
      })),
    };
  }
  return report;
}

/** Which images an evaluation covers: how many slices of which series. */
export interface ImagesCovered {
  count: number;
  patients: number;
  series: { seriesUid: string; patientId: string; slices: number }[];
}

export function imagesCovered(dataset: EvaluationDataset, runIndices: readonly number[]): ImagesCovered {
  const series: ImagesCovered['series'] = [];
  const patients = new Set<string>();
  let count = 0;
  for (const r of runIndices) {
    const run = dataset.runs[r]!;
    const first = dataset.images[run.images[0] ?? -1];
    count += run.images.length;
    if (first) patients.add(first.patientId);
    series.push({
      seriesUid: run.run.seriesUid,
      patientId: first?.patientId ?? '',
      slices: run.images.length,
    });
  }
  return { count, patients: patients.size, series };
}

/** One entry per run, in the order given. */
export interface RunEntry {
  runId: number;
  model: string;
  modelSha256: string;
  seriesUid: string;
  images: ImagesCovered;
}

/** One model's runs on different series, evaluated as one cohort. */
export interface PooledEntry {
  model: string;
  runIds: number[];
  images: ImagesCovered;
}

/**
 * The runs pooled per model: each model (by name and file hash) with at least two of the runs, on
 * distinct series. A model with two runs on one series (a re-run) is not pooled; `skipped` says so.
 */
export function modelPools(dataset: EvaluationDataset): {
  pools: { model: string; runIndices: number[] }[];
  skipped: { model: string; reason: string }[];
} {
  const byModel = new Map<string, { model: string; runIndices: number[] }>();
  dataset.runs.forEach((r, i) => {
    const key = `${r.run.modelName}\u0000${r.run.modelSha256}`;
    const entry = byModel.get(key) ?? { model: r.run.modelName, runIndices: [] };
    entry.runIndices.push(i);
    byModel.set(key, entry);
  });
  const pools: { model: string; runIndices: number[] }[] = [];
  const skipped: { model: string; reason: string }[] = [];
  for (const entry of byModel.values()) {
    if (entry.runIndices.length < 2) continue;
    const series = entry.runIndices.map((i) => dataset.runs[i]!.run.seriesUid);
    if (new Set(series).size < series.length) {
      skipped.push({
        model: entry.model,
        reason: 'two of its runs are on the same series; give one run per series to pool them',
      });
    } else pools.push(entry);
  }
  return { pools, skipped };
}

export interface DatasetReport {
  runs: (RunEntry & EvaluationReport)[];
  models: (PooledEntry & EvaluationReport)[];
  notPooled: { model: string; reason: string }[];
}

export function datasetReport(dataset: EvaluationDataset, options: ReportOptions): DatasetReport {
  const runs = dataset.runs.map((r, i) => ({
    ...runEntry(dataset, i),
    ...evaluationReport(pooledEvalInput(dataset, [i]), options),
  }));
  const { pools, skipped } = modelPools(dataset);
  const models = pools.map((p) => ({
    model: p.model,
    runIds: p.runIndices.map((i) => dataset.runs[i]!.run.id as number),
    images: imagesCovered(dataset, p.runIndices),
    ...evaluationReport(pooledEvalInput(dataset, p.runIndices), options),
  }));
  return { runs, models, notPooled: skipped };
}

function runEntry(dataset: EvaluationDataset, i: number): RunEntry {
  const { run } = dataset.runs[i]!;
  return {
    runId: run.id,
    model: run.modelName,
    modelSha256: run.modelSha256,
    seriesUid: run.seriesUid,
    images: imagesCovered(dataset, [i]),
  };
}

/** A FROC as `dvt froc` prints it: the whole curve (overall, all labels pooled). */
export interface FrocReport {
  numImages: number;
  numGt: number;
  numDetections: number;
  numMatched: number;
  rates: readonly number[];
  sensitivityAtRates: (number | null)[];
  cpm: number | null;
  curve: FrocPoint[];
}

export function frocReport(input: EvalInput, settings: EvalSettings): FrocReport {
  const e = evaluate(input, settings);
  const f = e.overall.froc;
  return {
    numImages: e.numImages,
    numGt: f.numGt,
    numDetections: f.numDetections,
    numMatched: f.numMatched,
    rates: settings.frocRates,
    sensitivityAtRates: f.sensitivityAtRates,
    cpm: f.cpm,
    curve: f.curve,
  };
}

export interface DatasetFrocReport {
  runs: (RunEntry & { froc: FrocReport })[];
  models: (PooledEntry & { froc: FrocReport })[];
}

export function datasetFrocReport(dataset: EvaluationDataset, settings: EvalSettings): DatasetFrocReport {
  const { pools } = modelPools(dataset);
  return {
    runs: dataset.runs.map((_, i) => ({
      ...runEntry(dataset, i),
      froc: frocReport(pooledEvalInput(dataset, [i]), settings),
    })),
    models: pools.map((p) => ({
      model: p.model,
      runIds: p.runIndices.map((i) => dataset.runs[i]!.run.id as number),
      images: imagesCovered(dataset, p.runIndices),
      froc: frocReport(pooledEvalInput(dataset, p.runIndices), settings),
    })),
  };
}

/** A CSV field, quoted when it needs to be (RFC 4180). */
export const csvField = (v: string | number): string => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** `run,model,fppi,sensitivity,score` rows of FROC curves. */
export function frocCsv(rows: { run: string; model: string; curve: readonly FrocPoint[] }[]): string {
  const lines = ['run,model,fppi,sensitivity,score'];
  for (const r of rows) {
    for (const p of r.curve) {
      lines.push([r.run, r.model, p.fppi, p.sensitivity, p.score].map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
