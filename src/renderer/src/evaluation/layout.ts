// Where the models go on the comparison grid. The paper's figure is 2 × 2: rows 1-slice / 3-slice,
// columns ResNet50 / ResNet152. Models are placed by their manifest's input.slices and backbone when
// they fit such a grid, else in order on the smallest grid that holds them. Any cell can then be
// given any model, and the grid any shape.
import type { ModelGroup } from './models';

export interface GridShape {
  rows: number;
  cols: number;
}

export const GRID_SHAPES: readonly GridShape[] = [
  { rows: 1, cols: 1 },
  { rows: 1, cols: 2 },
  { rows: 2, cols: 1 },
  { rows: 1, cols: 3 },
  { rows: 2, cols: 2 },
  { rows: 2, cols: 3 },
  { rows: 3, cols: 2 },
  { rows: 3, cols: 3 },
];

export const shapeName = (s: GridShape): string => `${s.rows} × ${s.cols}`;

export interface Placement {
  shape: GridShape;
  /** Model key per cell, row by row; null for an empty cell. */
  cells: (string | null)[];
  /** Row and column headings when the models were placed by input and backbone. */
  rowTitles: string[] | null;
  colTitles: string[] | null;
}

const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The smallest listed shape with at least `n` cells. */
export function shapeFor(n: number): GridShape {
  return GRID_SHAPES.find((s) => s.rows * s.cols >= n && s.rows <= s.cols) ?? { rows: 3, cols: 3 };
}

/**
 * The default placement. Models whose manifests give distinct (input, backbone) pairs go on the
 * paper's grid: a row per input (1-slice first), a column per backbone (the 4 models of the paper make
 * 2 × 2). Otherwise the smallest grid that holds them all, in order (any cell can be changed).
 */
export function defaultPlacement(
  models: readonly Pick<ModelGroup, 'key' | 'backbone' | 'slices'>[],
): Placement {
  const backbones = [...new Set(models.map((m) => m.backbone).filter((b) => b !== null))].sort(
    natural.compare,
  );
  const slices = [...new Set(models.map((m) => m.slices).filter((s) => s !== null))].sort((a, b) => a - b);
  const pairs = new Set(models.map((m) => `${m.slices}|${m.backbone}`));
  const byManifest =
    models.length > 1 &&
    models.every((m) => m.backbone !== null && m.slices !== null) &&
    pairs.size === models.length &&
    backbones.length <= 3 &&
    slices.length <= 3;
  if (!byManifest) {
    const shape = shapeFor(Math.max(1, models.length));
    const cells = models.map((m) => m.key).slice(0, shape.rows * shape.cols) as (string | null)[];
    while (cells.length < shape.rows * shape.cols) cells.push(null);
    return { shape, cells, rowTitles: null, colTitles: null };
  }
  const shape = { rows: slices.length, cols: backbones.length };
  const cells: (string | null)[] = new Array<string | null>(shape.rows * shape.cols).fill(null);
  for (const m of models)
    cells[slices.indexOf(m.slices!) * shape.cols + backbones.indexOf(m.backbone!)] = m.key;
  return {
    shape,
    cells,
    rowTitles: slices.map((s) => `${s}-slice`),
    colTitles: backbones,
  };
}

/** Cells of a new shape: the old cells in order, then models not yet shown, then empty. */
export function reshape(
  cells: readonly (string | null)[],
  shape: GridShape,
  models: readonly Pick<ModelGroup, 'key'>[],
): (string | null)[] {
  const n = shape.rows * shape.cols;
  const kept = cells.filter((c): c is string => c !== null && models.some((m) => m.key === c));
  const unseen = models.map((m) => m.key).filter((k) => !kept.includes(k));
  const out: (string | null)[] = [...kept, ...unseen].slice(0, n);
  while (out.length < n) out.push(null);
  return out;
}
