// Colours of the comparison overlays and of the FROC curves. The paper's convention is ground truth
// green, true positives red and false positives yellow; a red/green pair is what most colour-blind
// readers cannot tell apart, so the Okabe–Ito palette is offered too. Each kind also has its own line
// style (solid, dashed, dotted), so that the kinds differ without colour at all.

export type PaletteName = 'paper' | 'okabe-ito';

/** What a box on the comparison grid is, at the current IoU and score threshold. */
export type BoxKind = 'gt' | 'tp' | 'fp' | 'fn';

export interface BoxStyle {
  colour: string;
  /** SVG stroke-dasharray in screen pixels ('' for solid). */
  dash: string;
  width: number;
}

export interface Palette {
  name: PaletteName;
  title: string;
  boxes: Record<BoxKind, BoxStyle>;
  /** One colour per model, for FROC curves and legends. */
  models: readonly string[];
}

export const BOX_KIND_TITLES: Record<BoxKind, string> = {
  gt: 'Ground truth (found)',
  tp: 'True positive',
  fp: 'False positive',
  fn: 'Missed ground truth',
};

export const PALETTES: Record<PaletteName, Palette> = {
  paper: {
    name: 'paper',
    title: 'Paper (GT green, TP red, FP yellow)',
    boxes: {
      gt: { colour: '#35e06f', dash: '', width: 1.5 },
      tp: { colour: '#ff3b3b', dash: '', width: 2 },
      fp: { colour: '#ffd23f', dash: '5 3', width: 1.5 },
      fn: { colour: '#ff5cf0', dash: '2 2', width: 2 },
    },
    models: ['#ff6b6b', '#4fb3ff', '#ffd23f', '#7ee07e', '#c38bff', '#ff9a3c', '#3fe0d0', '#ff8ad8'],
  },
  'okabe-ito': {
    name: 'okabe-ito',
    title: 'Colour-blind safe (Okabe–Ito)',
    boxes: {
      gt: { colour: '#56b4e9', dash: '', width: 1.5 },
      tp: { colour: '#e69f00', dash: '', width: 2 },
      fp: { colour: '#f0e442', dash: '5 3', width: 1.5 },
      fn: { colour: '#cc79a7', dash: '2 2', width: 2 },
    },
    models: ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#ffffff'],
  },
};

export const modelColour = (palette: Palette, i: number): string =>
  palette.models[i % palette.models.length] as string;
