// The evaluation view's numbers as files: the tables as CSV, and everything (settings, reader, runs,
// point values, bootstrap intervals, fold statistics, FROC curves) as JSON.
import type { BootstrapResult, CrossValidation, EvalSettings } from '../../../shared/evaluation/types';
import type { Reader } from '../../../shared/annotation/schemas';
import type { GroupRow, Grouping, ModelRow } from './evaluationState.svelte';
import { csvLine } from './frocExport';
import { intervalOf, meanSdOf, METRICS, metricsOf } from './metrics';

export interface ReportInput {
  reader: Reader | null;
  settings: EvalSettings;
  bootstrap: { resamples: number; seed: number };
  folds: { k: number | null; seed: number | null };
  rows: readonly ModelRow[];
  groupings: readonly Grouping[];
  bootstraps: ReadonlyMap<string, BootstrapResult>;
  crossValidations: ReadonlyMap<string, CrossValidation>;
}

/**
 * Table 1 (one line per model) then the groupings, in one CSV: each metric's point value, bootstrap
 * 95% interval, and (models only) the mean and SD over the stored folds; groups add the mean and
 * range of their models.
 */
export function tableCsv(r: ReportInput): string {
  const head = ['table', 'row', 'backbone', 'input_slices', 'runs', 'images', 'patients', 'gt'];
  for (const { key } of METRICS)
    head.push(
      key,
      `${key}_ci_low`,
      `${key}_ci_high`,
      `${key}_fold_mean`,
      `${key}_fold_sd`,
      `${key}_models_min`,
      `${key}_models_max`,
    );
  const lines = [csvLine(head)];
  for (const row of r.rows) {
    const m = metricsOf(row.evaluation);
    const b = r.bootstraps.get(row.key);
    const cv = r.crossValidations.get(row.key);
    const cells: (string | number | null | undefined)[] = [
      'models',
      row.model.name,
      row.model.backbone,
      row.model.slices,
      row.model.runIds.length,
      row.evaluation.numImages,
      row.evaluation.numPatients,
      row.evaluation.overall.froc.numGt,
    ];
    for (const { key } of METRICS) {
      const i = intervalOf(b, key);
      const f = meanSdOf(cv, key);
      cells.push(
        m[key],
        i?.low,
        i?.high,
        f && f.n > 0 ? f.mean : null,
        f && f.n > 1 ? f.sd : null,
        null,
        null,
      );
    }
    lines.push(csvLine(cells));
  }
  for (const g of r.groupings) {
    for (const row of g.rows) lines.push(csvLine(groupCells(g, row, r.bootstraps.get(row.key))));
  }
  return lines.join('\n') + '\n';
}

function groupCells(
  g: Grouping,
  row: GroupRow,
  b: BootstrapResult | undefined,
): (string | number | null | undefined)[] {
  const m = metricsOf(row.pooled.evaluation);
  const cells: (string | number | null | undefined)[] = [
    g.key === 'input' ? 'by_input' : 'by_backbone',
    row.title,
    g.key === 'backbone' ? row.title : null,
    g.key === 'input' ? Number.parseInt(row.title, 10) : null,
    row.members.reduce((s, x) => s + x.runIds.length, 0),
    row.pooled.evaluation.numImages,
    row.pooled.evaluation.numPatients,
    row.pooled.evaluation.overall.froc.numGt,
  ];
  for (const { key } of METRICS) {
    const i = intervalOf(b, key);
    const s = row.summary[key];
    // Point value: the pooled detections'; min/max: the range of the member models.
    cells.push(m[key], i?.low, i?.high, s.mean, null, s.min, s.max);
  }
  return cells;
}

/** Everything the view shows, for scripts. */
export function reportJson(r: ReportInput): unknown {
  return {
    generatedAt: new Date().toISOString(),
    reader: r.reader,
    settings: r.settings,
    bootstrap: { ...r.bootstrap, unit: 'patient', interval: 'percentile 2.5–97.5' },
    folds: r.folds,
    models: r.rows.map((row) => ({
      name: row.model.name,
      modelId: row.model.modelId,
      backbone: row.model.backbone,
      inputSlices: row.model.slices,
      runIds: row.model.runIds,
      numImages: row.evaluation.numImages,
      numPatients: row.evaluation.numPatients,
      metrics: metricsOf(row.evaluation),
      operatingPoint: row.evaluation.overall.operatingPoint,
      perLabel: row.evaluation.perLabel.map((l) => ({
        label: l.label,
        numGt: l.numGt,
        numPredictions: l.numPredictions,
        operatingPoint: l.operatingPoint,
        ap: l.ap,
      })),
      froc: {
        rates: r.settings.frocRates,
        sensitivityAtRates: row.evaluation.overall.froc.sensitivityAtRates,
        cpm: row.evaluation.overall.froc.cpm,
        curve: row.evaluation.overall.froc.curve,
      },
      bootstrap: r.bootstraps.get(row.key) ?? null,
      crossValidation: summarizeCv(r.crossValidations.get(row.key)),
    })),
    groupings: r.groupings.map((g) => ({
      key: g.key,
      title: g.title,
      rows: g.rows.map((row) => ({
        title: row.title,
        members: row.members.map((m) => m.name),
        membersSummary: row.summary,
        pooled: metricsOf(row.pooled.evaluation),
        pooledBootstrap: r.bootstraps.get(row.key) ?? null,
      })),
    })),
  };
}

/** The fold statistics without each fold's full evaluation (the per-fold point values are kept). */
function summarizeCv(cv: CrossValidation | undefined): unknown {
  if (!cv) return null;
  return {
    statistic: 'mean ± sample SD across folds (not a confidence interval)',
    sensitivity: cv.sensitivity,
    fppi: cv.fppi,
    precision: cv.precision,
    ap101: cv.ap101,
    cpm: cv.cpm,
    folds: cv.folds.map((f) => ({
      fold: f.fold,
      numPatients: f.numPatients,
      metrics: metricsOf(f.evaluation),
    })),
  };
}
