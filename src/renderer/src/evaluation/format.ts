// How the evaluation views write numbers.
import type { Interval, MeanSd } from '../../../shared/evaluation/types';

/** A metric to 3 decimals, "—" when undefined (null, or the evaluator's −1 for AP without ground truth). */
export function formatMetric(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || v < 0 || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** "0.712–0.845", or "—". */
export function formatInterval(i: Interval | null | undefined, digits = 3): string {
  return i ? `${i.low.toFixed(digits)}–${i.high.toFixed(digits)}` : '—';
}

/** "0.812 ± 0.031", or "—" when no fold had the metric. */
export function formatMeanSd(m: MeanSd | null | undefined, digits = 3): string {
  return m && m.n > 0 && Number.isFinite(m.mean)
    ? `${m.mean.toFixed(digits)} ± ${Number.isFinite(m.sd) ? m.sd.toFixed(digits) : '—'}`
    : '—';
}

/** FPPI tick labels of the FROC axis: 1/8, 1/4, 1/2, 1, 2, 4, 8. */
export function formatRate(v: number): string {
  if (v >= 1) return Number.isInteger(v) ? String(v) : v.toFixed(2);
  const inv = 1 / v;
  return Math.abs(inv - Math.round(inv)) < 1e-9 ? `1/${Math.round(inv)}` : v.toFixed(3);
}

/** The Compare view's key, as the help overlay lists it. */
export const DISAGREEMENT_SHORTCUT = {
  keys: 'N / Shift+N',
  what: 'Compare: next / previous slice where the models disagree',
} as const;
