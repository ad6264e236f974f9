// Readers beside the models on the FROC plot: each reader's operating point (sensitivity, FPPI) on
// the cases they marked done, against the reference reader, with its patient-bootstrap interval as
// whiskers both ways. When a reader read some cases with the model's suggestions and some without,
// the two groups get markers of their own (joined by a thin line), so that the effect of the AI shows
// as a shift. Pure functions of the comparison; the draw hook paints them on uPlot's canvas.
import type uPlot from 'uplot';
import type { Interval } from '../../../shared/evaluation/types';
import type { ReaderComparison, ReaderPoint } from '../../../shared/reading/schemas';
import { FROC_MAX, FROC_MIN } from './frocChart';

export type MarkerGroup = 'all' | 'assisted' | 'unassisted';

export interface ReaderMarker {
  key: string;
  readerName: string;
  group: MarkerGroup;
  /** What the plot writes beside the marker. */
  label: string;
  colour: string;
  fppi: number;
  sensitivity: number;
  fppiCi: Interval | null;
  sensitivityCi: Interval | null;
  cases: number;
}

/** Light colours and marker shapes, apart from the models' coloured lines. */
export const READER_COLOURS = ['#ffffff', '#ffe08a', '#9be7ff', '#ffb3e6', '#c6ff9e', '#ffc27a'] as const;

export const GROUP_TITLES: Record<MarkerGroup, string> = {
  all: 'all cases',
  assisted: 'with AI',
  unassisted: 'without AI',
};

/** The glyph the legend and table show for a group's marker shape. */
export const GROUP_GLYPHS: Record<MarkerGroup, string> = { all: '◆', assisted: '▲', unassisted: '□' };

export function readerColour(i: number): string {
  return READER_COLOURS[i % READER_COLOURS.length] as string;
}

/** One marker per reader (all their done cases), and one per group when both groups exist. */
export function readerMarkers(c: ReaderComparison | null): ReaderMarker[] {
  const out: ReaderMarker[] = [];
  c?.readers.forEach((r, i) => {
    const colour = readerColour(i);
    const add = (group: MarkerGroup, p: ReaderPoint | null, label: string): void => {
      if (!p || p.sensitivity === null) return;
      out.push({
        key: `reader-${r.readerId}-${group}`,
        readerName: r.name,
        group,
        label,
        colour,
        fppi: p.fppi,
        sensitivity: p.sensitivity,
        fppiCi: p.fppiCi,
        sensitivityCi: p.sensitivityCi,
        cases: p.cases,
      });
    };
    add('all', r.all, r.name);
    if (r.assisted && r.unassisted) {
      add('assisted', r.assisted, '+AI');
      add('unassisted', r.unassisted, 'no AI');
    }
  });
  return out;
}

/** Where an FPPI sits on the log axis: values outside 1/8 … 8 are drawn at the edge (and say so). */
export function clampFppi(v: number): { value: number; clipped: 'low' | 'high' | null } {
  if (!(v >= FROC_MIN)) return { value: FROC_MIN, clipped: 'low' };
  if (v > FROC_MAX) return { value: FROC_MAX, clipped: 'high' };
  return { value: v, clipped: null };
}

/** Everything drawn of the markers: the chart is redrawn (not remade) when it changes. */
export const markersKey = (markers: readonly ReaderMarker[]): string => JSON.stringify(markers);

/** A rectangle on the canvas (device pixels). */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

const inside = (a: Rect, area: Rect): boolean =>
  a.x >= area.x && a.y >= area.y && a.x + a.w <= area.x + area.w && a.y + a.h <= area.y + area.h;

/**
 * Where each label goes (its top-left corner): beside its marker, right then left, above then below,
 * then stepped further up or down, at the first place that keeps inside `area` and clear of the
 * markers and of the labels placed before it. A label that fits nowhere takes its first place.
 */
export function placeLabels(
  anchors: readonly { x: number; y: number; half: number; w: number; h: number }[],
  area: Rect,
  gap: number,
): { x: number; y: number }[] {
  const taken: Rect[] = anchors.map((a) => ({
    x: a.x - a.half,
    y: a.y - a.half,
    w: 2 * a.half,
    h: 2 * a.half,
  }));
  return anchors.map((a) => {
    const right = a.x + a.half + gap;
    const left = a.x - a.half - gap - a.w;
    const above = a.y - a.h;
    const below = a.y;
    const candidates: { x: number; y: number }[] = [];
    for (let step = 0; step < 6; step++) {
      for (const x of [right, left]) {
        candidates.push({ x, y: above - step * a.h });
        candidates.push({ x, y: below + step * a.h });
      }
    }
    const fits = (c: { x: number; y: number }): boolean => {
      const r = { x: c.x, y: c.y, w: a.w, h: a.h };
      return inside(r, area) && !taken.some((t) => overlaps(r, t));
    };
    const pick = candidates.find(fits) ?? candidates[0]!;
    taken.push({ x: pick.x, y: pick.y, w: a.w, h: a.h });
    return pick;
  });
}

/**
 * Paints the markers on the chart's canvas (uPlot's draw hook): whiskers for the 95 % intervals with
 * end caps, the lines between a reader's groups, then the markers and their labels (placed clear of
 * each other). Drawn a little past the plotting area, so that a marker at an edge (an FPPI of 0 is
 * drawn at 1/8) is whole.
 */
export function drawReaderMarkers(u: uPlot, markers: readonly ReaderMarker[]): void {
  if (markers.length === 0) return;
  const ctx = u.ctx;
  const ratio = u.width > 0 ? ctx.canvas.width / u.width : 1;
  const margin = 12 * ratio;
  const { left, top, width, height } = u.bbox;
  const area: Rect = { x: left - margin, y: top - margin, w: width + 2 * margin, h: height + 2 * margin };
  const X = (fppi: number): number => u.valToPos(clampFppi(fppi).value, 'x', true);
  const Y = (s: number): number => u.valToPos(Math.min(Math.max(s, 0), 1), 'y', true);
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.x, area.y, area.w, area.h);
  ctx.clip();
  ctx.lineCap = 'round';

  // Lines from each reader's unassisted to assisted marker.
  for (const m of markers) {
    if (m.group !== 'assisted') continue;
    const other = markers.find((o) => o.group === 'unassisted' && o.readerName === m.readerName);
    if (!other) continue;
    ctx.strokeStyle = m.colour;
    ctx.globalAlpha = 0.6;
    ctx.lineWidth = 1 * ratio;
    ctx.setLineDash([4 * ratio, 3 * ratio]);
    ctx.beginPath();
    ctx.moveTo(X(other.fppi), Y(other.sensitivity));
    ctx.lineTo(X(m.fppi), Y(m.sensitivity));
    ctx.stroke();
  }
  ctx.setLineDash([]);

  for (const m of markers) {
    const x = X(m.fppi);
    const y = Y(m.sensitivity);
    const main = m.group === 'all';
    const cap = (main ? 4 : 3) * ratio;
    ctx.globalAlpha = main ? 0.95 : 0.75;
    ctx.strokeStyle = m.colour;
    ctx.lineWidth = (main ? 1.5 : 1) * ratio;
    ctx.beginPath();
    if (m.fppiCi) {
      const x1 = X(m.fppiCi.low);
      const x2 = X(m.fppiCi.high);
      ctx.moveTo(x1, y);
      ctx.lineTo(x2, y);
      ctx.moveTo(x1, y - cap);
      ctx.lineTo(x1, y + cap);
      ctx.moveTo(x2, y - cap);
      ctx.lineTo(x2, y + cap);
    }
    if (m.sensitivityCi) {
      const y1 = Y(m.sensitivityCi.low);
      const y2 = Y(m.sensitivityCi.high);
      ctx.moveTo(x, y1);
      ctx.lineTo(x, y2);
      ctx.moveTo(x - cap, y1);
      ctx.lineTo(x + cap, y1);
      ctx.moveTo(x - cap, y2);
      ctx.lineTo(x + cap, y2);
    }
    ctx.stroke();
  }

  ctx.globalAlpha = 1;
  const size = (m: ReaderMarker): number => (m.group === 'all' ? 7 : 5.5) * ratio;
  for (const m of markers) {
    const x = X(m.fppi);
    const y = Y(m.sensitivity);
    const s = size(m);
    ctx.beginPath();
    if (m.group === 'all') {
      ctx.moveTo(x, y - s);
      ctx.lineTo(x + s, y);
      ctx.lineTo(x, y + s);
      ctx.lineTo(x - s, y);
    } else if (m.group === 'assisted') {
      ctx.moveTo(x, y - s);
      ctx.lineTo(x + s, y + s * 0.8);
      ctx.lineTo(x - s, y + s * 0.8);
    } else {
      ctx.rect(x - s * 0.8, y - s * 0.8, s * 1.6, s * 1.6);
    }
    ctx.closePath();
    ctx.lineWidth = 2 * ratio;
    ctx.strokeStyle = '#0f1216';
    ctx.stroke();
    if (m.group === 'unassisted') {
      ctx.strokeStyle = m.colour;
      ctx.stroke();
    } else {
      ctx.fillStyle = m.colour;
      ctx.fill();
    }
  }

  // Labels last, clear of the markers and of each other.
  const fontOf = (m: ReaderMarker): string =>
    `${m.group === 'all' ? 600 : 400} ${12 * ratio}px system-ui, "DejaVu Sans", sans-serif`;
  const texts = markers.map((m) => {
    const clipped = clampFppi(m.fppi).clipped;
    return `${clipped === 'low' ? '◂ ' : ''}${m.label}${clipped === 'high' ? ' ▸' : ''}`;
  });
  const lineH = 15 * ratio;
  const anchors = markers.map((m, i) => {
    ctx.font = fontOf(m);
    return {
      x: X(m.fppi),
      y: Y(m.sensitivity),
      half: size(m),
      w: ctx.measureText(texts[i]!).width,
      h: lineH,
    };
  });
  const places = placeLabels(anchors, area, 3 * ratio);
  // uPlot leaves its axes' alignment on the context.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  markers.forEach((m, i) => {
    const p = places[i]!;
    const ty = p.y + lineH / 2;
    ctx.font = fontOf(m);
    ctx.lineWidth = 3 * ratio;
    ctx.strokeStyle = '#0f1216';
    ctx.strokeText(texts[i]!, p.x, ty);
    ctx.fillStyle = m.colour;
    ctx.fillText(texts[i]!, p.x, ty);
  });
  ctx.restore();
}
