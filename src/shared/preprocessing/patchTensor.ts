import { neighbourIndices } from '../imaging/threeSlice';
import type { ModelInput, SliceChannel } from '../model/manifest';
import type { TileOrigin } from './tiling';

/**
 * One model patch written into a batch tensor: the windowed grey planes of the tensor's channels,
 * cut at a tile origin, normalized per channel as value = (grey / 255 · scale − mean[c]) / std[c].
 */

/** Elements of one batch item: channels × size × size. */
export function patchLength(input: ModelInput): number {
  return input.channels.length * input.size * input.size;
}

/**
 * The slice index feeding each tensor channel at slice `z` of a series of `sliceCount` slices, in
 * tensor channel order. The first and last slice stand in for their missing neighbour.
 */
export function channelSliceIndices(input: ModelInput, z: number, sliceCount: number): number[] {
  const [prev, cur, next] = neighbourIndices(z, sliceCount);
  const bySource: Record<SliceChannel, number> = { 'z-1': prev, z: cur, 'z+1': next };
  return input.channels.map((c) => bySource[c]);
}

/**
 * Per-channel tables grey → normalized value, so a patch costs one lookup per element (256 entries
 * per channel are far fewer than the size² pixels each table serves).
 */
export function normalizationTables(input: ModelInput): Float32Array[] {
  return input.channels.map((_, c) => {
    const mean = input.mean[c] ?? 0;
    const std = input.std[c] ?? 1;
    const table = new Float32Array(256);
    for (let g = 0; g < 256; g++) table[g] = ((g / 255) * input.scale - mean) / std;
    return table;
  });
}

/**
 * Writes batch item `batchIndex` of `target` (NCHW or NHWC per `input.layout`) from the grey planes
 * of the tensor channels (`channelPlanes[c]` is `planeWidth` × `planeHeight`, row-major), taking the
 * size × size square at `origin`. Pixels outside the plane are grey 0, normalized like any other.
 */
export function writePatch(
  target: Float32Array,
  batchIndex: number,
  channelPlanes: readonly Uint8Array[],
  planeWidth: number,
  planeHeight: number,
  origin: TileOrigin,
  input: ModelInput,
): void {
  const channels = input.channels.length;
  const size = input.size;
  const itemLength = patchLength(input);
  if (channelPlanes.length !== channels) {
    throw new RangeError(`got ${channelPlanes.length} channel planes for ${channels} tensor channels`);
  }
  for (const plane of channelPlanes) {
    if (plane.length !== planeWidth * planeHeight) {
      throw new RangeError(
        `a channel plane has ${plane.length} pixels, expected ${planeWidth}×${planeHeight}`,
      );
    }
  }
  if (!Number.isInteger(batchIndex) || batchIndex < 0 || (batchIndex + 1) * itemLength > target.length) {
    throw new RangeError(`batch item ${batchIndex} does not fit a tensor of ${target.length} elements`);
  }
  if (!Number.isInteger(origin.x) || !Number.isInteger(origin.y)) {
    throw new RangeError(`a tile origin is whole pixels (got ${origin.x}, ${origin.y})`);
  }
  const tables = normalizationTables(input);
  const base = batchIndex * itemLength;
  // The columns of the patch that lie inside the plane; the rest is padding.
  const xFrom = Math.min(size, Math.max(0, -origin.x));
  const xTo = Math.max(xFrom, Math.min(size, planeWidth - origin.x));
  const nhwc = input.layout === 'NHWC';
  for (let c = 0; c < channels; c++) {
    const plane = channelPlanes[c] as Uint8Array;
    const table = tables[c] as Float32Array;
    const pad = table[0] as number;
    // NCHW steps 1 per pixel inside a channel block; NHWC interleaves the channels.
    const step = nhwc ? channels : 1;
    const channelBase = nhwc ? base + c : base + c * size * size;
    for (let y = 0; y < size; y++) {
      const sy = origin.y + y;
      let o = channelBase + y * size * step;
      if (sy < 0 || sy >= planeHeight) {
        for (let x = 0; x < size; x++, o += step) target[o] = pad;
        continue;
      }
      const row = sy * planeWidth + origin.x;
      let x = 0;
      for (; x < xFrom; x++, o += step) target[o] = pad;
      for (; x < xTo; x++, o += step) target[o] = table[plane[row + x] as number] as number;
      for (; x < size; x++, o += step) target[o] = pad;
    }
  }
}
