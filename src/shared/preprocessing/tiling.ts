/**
 * Overlapping square tiles over a resampled plane (the paper: 128 × 128, default stride 96). Every
 * pixel is covered: tiles start at 0, stride, 2·stride, … and, when that grid stops short of the
 * far edge, one more tile sits flush with it. A plane shorter than a tile gets a single tile at 0,
 * whose patch is padded (see writePatch).
 */

export const DEFAULT_TILE_STRIDE = 96;

export interface TileOrigin {
  x: number;
  y: number;
}

/** Tile start positions along one axis of `length` pixels, ascending and without duplicates. */
export function tileOrigins(length: number, tile: number, stride: number): number[] {
  for (const [name, v] of [
    ['length', length],
    ['tile', tile],
    ['stride', stride],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer (got ${v})`);
  }
  // A stride beyond the tile would leave pixels no tile sees.
  if (stride > tile)
    throw new RangeError(`stride ${stride} exceeds the tile ${tile}: tiles would leave gaps`);
  if (length <= tile) return [0];
  const origins: number[] = [];
  let last = 0;
  for (let o = 0; o + tile <= length; o += stride) {
    origins.push(o);
    last = o;
  }
  if (last + tile < length) origins.push(length - tile);
  return origins;
}

/** All tile origins of a `width` × `height` plane, row by row (y outer, x inner). */
export function tileGrid(width: number, height: number, tile: number, stride: number): TileOrigin[] {
  const xs = tileOrigins(width, tile, stride);
  const ys = tileOrigins(height, tile, stride);
  const grid: TileOrigin[] = [];
  for (const y of ys) for (const x of xs) grid.push({ x, y });
  return grid;
}
