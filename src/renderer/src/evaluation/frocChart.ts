// The FROC plot's data and options, as pure functions of the curves: the uPlot component, the SVG
// export and the CSV export all read the same numbers. The x axis is logarithmic (base 2) from 1/8 to
// 8 false positives per image, the paper's and nnDetection's FROC rates.
import type uPlot from 'uplot';
import { numpyInterp } from '../../../shared/evaluation/numpy';
import type { FrocPoint, Interval } from '../../../shared/evaluation/types';
import { formatRate } from './format';

export const FROC_MIN = 1 / 8;
export const FROC_MAX = 8;
export const FROC_TICKS = [0.125, 0.25, 0.5, 1, 2, 4, 8];

export interface FrocBand {
  fppi: readonly number[];
  low: readonly number[];
  high: readonly number[];
}

export interface FrocSeries {
  key: string;
  name: string;
  colour: string;
  /** From (0, 0), one point per distinct score, highest score first (the evaluator's curve). */
  curve: readonly FrocPoint[];
  cpm: number | null;
  cpmInterval: Interval | null;
  /** Bootstrap band, once computed. */
  band: FrocBand | null;
}

/** Sensitivity at FPPI `x` by numpy's interp over the curve (as the CPM's rates are read). */
export function curveAt(curve: readonly FrocPoint[], x: number): number {
  return numpyInterp(
    x,
    curve.map((p) => p.fppi),
    curve.map((p) => p.sensitivity),
  );
}

/** Largest FPPI the curve reaches (the operating point with every prediction counted). */
export const curveEnd = (curve: readonly FrocPoint[]): number => curve[curve.length - 1]?.fppi ?? 0;

/**
 * The x values of the plot: `perOctave` points an octave from 1/8 to 8 (the FROC rates among them),
 * plus each curve's end inside that range, so that every curve stops exactly where its data does.
 */
export function frocGrid(series: readonly FrocSeries[], perOctave = 24): number[] {
  const xs = new Set<number>();
  const octaves = Math.log2(FROC_MAX / FROC_MIN);
  for (let i = 0; i <= octaves * perOctave; i++) xs.add(FROC_MIN * 2 ** (i / perOctave));
  for (const s of series) {
    const end = curveEnd(s.curve);
    if (end > FROC_MIN && end < FROC_MAX) xs.add(end);
  }
  return [...xs].sort((a, b) => a - b);
}

/** Index of each series' curve, band high and band low in the data and the uPlot series list. */
export interface SeriesSlots {
  curve: number;
  high: number | null;
  low: number | null;
}

export function seriesSlots(series: readonly FrocSeries[]): SeriesSlots[] {
  let i = 1;
  return series.map((s) => {
    const curve = i++;
    if (!s.band) return { curve, high: null, low: null };
    const high = i++;
    const low = i++;
    return { curve, high, low };
  });
}

/** uPlot's aligned data: x, then per series its curve (null past the curve's end) and band. */
export function frocData(series: readonly FrocSeries[], grid: readonly number[]): uPlot.AlignedData {
  const columns: (number | null)[][] = [];
  for (const s of series) {
    const end = curveEnd(s.curve);
    columns.push(grid.map((x) => (x <= end && s.curve.length > 0 ? curveAt(s.curve, x) : null)));
    if (s.band) {
      const b = s.band;
      const lo = b.fppi[0] ?? Infinity;
      const hi = b.fppi[b.fppi.length - 1] ?? -Infinity;
      const inside = (x: number): boolean => x >= lo && x <= hi;
      columns.push(grid.map((x) => (inside(x) ? numpyInterp(x, b.fppi, b.high) : null)));
      columns.push(grid.map((x) => (inside(x) ? numpyInterp(x, b.fppi, b.low) : null)));
    }
  }
  return [grid as number[], ...columns] as uPlot.AlignedData;
}

/** Band fill: the series colour at low opacity (#rrggbb → #rrggbbaa). */
export const bandFill = (colour: string): string => (/^#[0-9a-f]{6}$/i.test(colour) ? `${colour}33` : colour);

const AXIS = {
  stroke: '#aab3c0',
  font: '12px system-ui, "DejaVu Sans", sans-serif',
  labelFont: '600 12px system-ui, "DejaVu Sans", sans-serif',
  grid: { stroke: '#262c35', width: 1 },
  ticks: { stroke: '#343c48', width: 1 },
};

/** The chart's options for these series at this size (the component makes a new chart when they change). */
export function frocOptions(
  series: readonly FrocSeries[],
  size: { width: number; height: number },
): uPlot.Options {
  const slots = seriesSlots(series);
  const uSeries: uPlot.Series[] = [{ label: 'FPPI' }];
  const bands: uPlot.Band[] = [];
  series.forEach((s, i) => {
    uSeries.push({ label: s.name, stroke: s.colour, width: 2, points: { show: false }, spanGaps: false });
    const slot = slots[i]!;
    if (slot.high !== null && slot.low !== null) {
      const edge = { stroke: 'transparent', width: 0, points: { show: false } };
      uSeries.push({ label: `${s.name} 95% high`, ...edge }, { label: `${s.name} 95% low`, ...edge });
      bands.push({ series: [slot.high, slot.low], fill: bandFill(s.colour) });
    }
  });
  return {
    width: size.width,
    height: size.height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: false, distr: 3, log: 2, auto: false, range: [FROC_MIN, FROC_MAX] },
      y: { auto: false, range: [0, 1] },
    },
    axes: [
      {
        ...AXIS,
        label: 'False positives per image',
        splits: () => FROC_TICKS,
        values: (_u, splits) => splits.map(formatRate),
      },
      {
        ...AXIS,
        label: 'Sensitivity',
        splits: () => [0, 0.2, 0.4, 0.6, 0.8, 1],
        values: (_u, splits) => splits.map((v) => v.toFixed(1)),
        size: 44,
      },
    ],
    series: uSeries,
    bands,
  };
}

/** What decides the chart's structure: a change of it needs a new chart, not just new data. */
export const frocStructure = (series: readonly FrocSeries[]): string =>
  series.map((s) => `${s.key}:${s.name}:${s.colour}:${s.band ? 'b' : ''}`).join('|');
