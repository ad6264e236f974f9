// Exports of the FROC plot and its numbers: an SVG drawn here from the same series the chart shows
// (not a capture of the canvas), CSV and JSON; and the download of any of them through a Blob and an
// object URL (the CSP has no say over downloads; nothing is loaded from the URL).
import type uPlot from 'uplot';
import { numpyInterp } from '../../../shared/evaluation/numpy';
import {
  bandFill,
  curveAt,
  curveEnd,
  FROC_MAX,
  FROC_MIN,
  FROC_TICKS,
  frocGrid,
  type FrocSeries,
} from './frocChart';
import { formatInterval, formatMetric, formatRate } from './format';

const escapeXml = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

const n = (v: number): string => (Math.round(v * 100) / 100).toString();

/** The legend's line for a series: its name and CPM with the bootstrap interval when known. */
export function legendText(s: FrocSeries): string {
  const ci = s.cpmInterval ? ` (95% CI ${formatInterval(s.cpmInterval)})` : '';
  return `${s.name} — CPM ${formatMetric(s.cpm)}${ci}`;
}

/** A standalone SVG of the FROC plot: axes, bootstrap bands, curves and a legend with each CPM. */
export function frocSvg(
  series: readonly FrocSeries[],
  options: { width?: number; title?: string; background?: string } = {},
): string {
  const width = options.width ?? 720;
  const plotH = 380;
  const m = { left: 64, right: 20, top: options.title ? 40 : 16, bottom: 52 };
  const legendH = 20 * series.length + 12;
  const height = m.top + plotH + m.bottom + legendH;
  const plotW = width - m.left - m.right;
  const bg = options.background ?? '#0f1216';
  const X = (fppi: number): number =>
    m.left + (plotW * Math.log2(fppi / FROC_MIN)) / Math.log2(FROC_MAX / FROC_MIN);
  const Y = (sens: number): number => m.top + plotH * (1 - sens);
  const grid = frocGrid(series);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="${bg}"/>`,
  );
  if (options.title)
    out.push(
      `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600" fill="#e6e9ee">${escapeXml(options.title)}</text>`,
    );
  // Grid and ticks.
  for (const t of FROC_TICKS) {
    const x = n(X(t));
    out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + plotH}" stroke="#262c35"/>`);
    out.push(
      `<text x="${x}" y="${m.top + plotH + 18}" text-anchor="middle" fill="#aab3c0">${formatRate(t)}</text>`,
    );
  }
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    const y = n(Y(v));
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + plotW}" y2="${y}" stroke="#262c35"/>`);
    out.push(
      `<text x="${m.left - 8}" y="${y}" dy="4" text-anchor="end" fill="#aab3c0">${v.toFixed(1)}</text>`,
    );
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#343c48"/>`,
  );
  out.push(
    `<text x="${m.left + plotW / 2}" y="${m.top + plotH + 40}" text-anchor="middle" font-weight="600" fill="#aab3c0">False positives per image</text>`,
    `<text transform="translate(18 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-weight="600" fill="#aab3c0">Sensitivity</text>`,
  );
  // Bands under curves.
  for (const s of series) {
    const b = s.band;
    if (!b || b.fppi.length === 0) continue;
    const xs = grid.filter((x) => x >= b.fppi[0]! && x <= b.fppi[b.fppi.length - 1]!);
    if (xs.length < 2) continue;
    const upper = xs.map((x) => `${n(X(x))},${n(Y(numpyInterp(x, b.fppi, b.high)))}`);
    const lower = xs.map((x) => `${n(X(x))},${n(Y(numpyInterp(x, b.fppi, b.low)))}`).reverse();
    out.push(
      `<polygon points="${[...upper, ...lower].join(' ')}" fill="${bandFill(s.colour)}" stroke="none" data-band="${escapeXml(s.key)}"/>`,
    );
  }
  for (const s of series) {
    const end = curveEnd(s.curve);
    const xs = grid.filter((x) => x <= end);
    if (xs.length === 0 || s.curve.length === 0) continue;
    const pts = xs.map((x) => `${n(X(x))},${n(Y(curveAt(s.curve, x)))}`).join(' ');
    out.push(
      `<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="2" data-curve="${escapeXml(s.key)}"/>`,
    );
  }
  // Legend.
  series.forEach((s, i) => {
    const y = m.top + plotH + m.bottom + 12 + i * 20;
    out.push(
      `<line x1="${m.left}" y1="${y}" x2="${m.left + 24}" y2="${y}" stroke="${s.colour}" stroke-width="3"/>`,
      `<text x="${m.left + 32}" y="${y}" dy="4" fill="#e6e9ee">${escapeXml(legendText(s))}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

const csvCell = (v: string | number | null | undefined): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvLine = (cells: readonly (string | number | null | undefined)[]): string =>
  cells.map(csvCell).join(',');

/**
 * The FROC numbers, long format: each model's sensitivity at the FROC rates with its bootstrap
 * interval, its CPM, and every point of its curve (with the score threshold that gives it).
 */
export function frocCsv(series: readonly FrocSeries[], rates: readonly number[]): string {
  const lines = [csvLine(['model', 'kind', 'fppi', 'sensitivity', 'score', 'ci_low', 'ci_high'])];
  for (const s of series) {
    const b = s.band;
    const inBand = (x: number): boolean =>
      b !== null && b.fppi.length > 0 && x >= b.fppi[0]! && x <= b.fppi[b.fppi.length - 1]!;
    for (const r of rates) {
      lines.push(
        csvLine([
          s.name,
          'rate',
          r,
          s.curve.length > 0 ? curveAt(s.curve, r) : null,
          null,
          b && inBand(r) ? numpyInterp(r, b.fppi, b.low) : null,
          b && inBand(r) ? numpyInterp(r, b.fppi, b.high) : null,
        ]),
      );
    }
    lines.push(csvLine([s.name, 'cpm', null, s.cpm, null, s.cpmInterval?.low, s.cpmInterval?.high]));
    for (const p of s.curve)
      lines.push(csvLine([s.name, 'curve', p.fppi, p.sensitivity, p.score, null, null]));
  }
  return lines.join('\n') + '\n';
}

/** Offers `content` as a file download. */
export function download(name: string, content: Blob | string, type = 'text/plain'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked once the download has surely read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** File-name stamp "2024-05-01T12-30-00". */
export const stamp = (d = new Date()): string => d.toISOString().slice(0, 19).replace(/:/g, '-');

/** The chart the FROC component shows now (set by it), for exporting what is on screen. */
export class FrocHandle {
  chart: uPlot | null = null;
}

/** The chart as a PNG: its canvas as drawn, with the legend (names and CPMs) written under it. */
export async function frocPng(chart: uPlot, series: readonly FrocSeries[]): Promise<Blob | null> {
  const src = chart.ctx.canvas;
  const dpr = src.width / Math.max(1, chart.width);
  const line = 20 * dpr;
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height + line * series.length + 12 * dpr;
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#0f1216';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(src, 0, 0);
  ctx.font = `${12 * dpr}px system-ui, "DejaVu Sans", sans-serif`;
  ctx.textBaseline = 'middle';
  series.forEach((s, i) => {
    const y = src.height + 6 * dpr + line * (i + 0.5);
    ctx.strokeStyle = s.colour;
    ctx.lineWidth = 3 * dpr;
    ctx.beginPath();
    ctx.moveTo(50 * dpr, y);
    ctx.lineTo(74 * dpr, y);
    ctx.stroke();
    ctx.fillStyle = '#e6e9ee';
    ctx.fillText(legendText(s), 82 * dpr, y);
  });
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}
