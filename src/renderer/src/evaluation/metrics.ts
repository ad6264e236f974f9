// The five numbers of the paper's tables, read from an evaluation, a bootstrap and a cross-validation.
import type {
  BootstrapResult,
  CrossValidation,
  Evaluation,
  Interval,
  MeanSd,
} from '../../../shared/evaluation/types';

export type MetricKey = 'sensitivity' | 'fppi' | 'precision' | 'ap101' | 'cpm';

export const METRICS: readonly { key: MetricKey; title: string; hint: string }[] = [
  { key: 'sensitivity', title: 'Sn', hint: 'Sensitivity: TP / (TP + FN) at the score threshold' },
  { key: 'fppi', title: 'FPPI', hint: 'False positives per image (slice) at the score threshold' },
  { key: 'precision', title: 'Precision', hint: 'TP / (TP + FP) at the score threshold' },
  {
    key: 'ap101',
    title: 'AP₁₀₁',
    hint: "COCO's 101-point interpolated average precision (mean over labels with ground truth), ≤ 100 detections per image",
  },
  {
    key: 'cpm',
    title: 'CPM',
    hint: 'Competition performance metric: mean FROC sensitivity at 1/8 … 8 FPs per image',
  },
];

export type Metrics = Record<MetricKey, number | null>;

/** The overall metrics of an evaluation; null where undefined (AP −1 without ground truth). */
export function metricsOf(e: Evaluation): Metrics {
  const o = e.overall;
  return {
    sensitivity: o.operatingPoint.sensitivity,
    fppi: o.operatingPoint.fppi,
    precision: o.operatingPoint.precision,
    ap101: o.mAP >= 0 ? o.mAP : null,
    cpm: o.froc.cpm,
  };
}

export const intervalOf = (b: BootstrapResult | undefined, key: MetricKey): Interval | null | undefined =>
  b === undefined ? undefined : b[key];

export const meanSdOf = (cv: CrossValidation | undefined, key: MetricKey): MeanSd | undefined => cv?.[key];

export interface MetricSummary {
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Members with the metric defined. */
  n: number;
}

/** Mean and range of each metric over several models' values. */
export function summarize(list: readonly Metrics[]): Record<MetricKey, MetricSummary> {
  const out = {} as Record<MetricKey, MetricSummary>;
  for (const { key } of METRICS) {
    const values = list.map((m) => m[key]).filter((v): v is number => v !== null);
    out[key] =
      values.length === 0
        ? { mean: null, min: null, max: null, n: 0 }
        : {
            mean: values.reduce((a, b) => a + b, 0) / values.length,
            min: Math.min(...values),
            max: Math.max(...values),
            n: values.length,
          };
  }
  return out;
}

/** "Higher is better" except FPPI. */
export const lowerIsBetter = (key: MetricKey): boolean => key === 'fppi';

/** The row keys holding the best value of a metric (several on a tie); none when fewer than two rows. */
export function bestOf(
  values: readonly { key: string; value: number | null }[],
  metric: MetricKey,
): Set<string> {
  const defined = values.filter((v): v is { key: string; value: number } => v.value !== null);
  if (defined.length < 2) return new Set();
  const pick = lowerIsBetter(metric) ? Math.min : Math.max;
  const best = pick(...defined.map((v) => v.value));
  return new Set(defined.filter((v) => v.value === best).map((v) => v.key));
}
