// One model over one series, the paper's way: HU → resample to the model's spacing → window →
// 1- or 3-slice channels → overlapping tiles → batches → decode → boxes back on the DICOM grid →
// per-class NMS across a slice's tiles. Runs inside the inference worker; everything it touches
// is plain data, so it is also called directly by tests.
import { batchedNms, decodeOutputs, generateAnchors, type Detections } from '../../shared/detection';
import type { ModelManifest } from '../../shared/model/manifest';
import type { RunParams } from '../../shared/inference/schemas';
import {
  channelSliceIndices,
  resampleBilinear,
  resampleScale,
  resampledSize,
  tileBoxToDicom,
  tileGrid,
  windowPlane,
  writePatch,
} from '../../shared/preprocessing';
import type { OpenedSession } from './ortSession';
import type { SliceOutcome } from './runStore';

export interface SeriesGeometry {
  rows: number;
  cols: number;
  /** DICOM PixelSpacing[0]: distance between rows (y), mm. */
  rowSpacing: number;
  /** DICOM PixelSpacing[1]: distance between columns (x), mm. */
  colSpacing: number;
  /** SOP instance UID of each slice, in series order. */
  sopUids: readonly string[];
}

export interface RunHooks {
  /** HU of slice z (synchronous: the worker has nothing else to do meanwhile). */
  readSlice(z: number): Int16Array | Float32Array;
  onSlice(outcome: SliceOutcome): void;
  isCancelled(): boolean;
}

/** Tiles per slice for a series at this model's spacing and the run's stride. */
export function tilesPerSlice(manifest: ModelManifest, geometry: SeriesGeometry, stride: number): number {
  const { width, height } = resampledGrid(manifest, geometry);
  return tileGrid(width, height, manifest.input.size, stride).length;
}

function resampledGrid(manifest: ModelManifest, g: SeriesGeometry) {
  const scaleX = resampleScale(g.colSpacing, manifest.input.pixelSpacingMm);
  const scaleY = resampleScale(g.rowSpacing, manifest.input.pixelSpacingMm);
  return { scaleX, scaleY, width: resampledSize(g.cols, scaleX), height: resampledSize(g.rows, scaleY) };
}

interface SliceAccumulator {
  remaining: number;
  tiles: number;
  started: number;
  boxes: number[];
  scores: number[];
  labels: number[];
}

/** True when every pixel of the tile is grey 0 in every channel (padding outside the plane is 0 too). */
export function isEmptyTile(
  planes: readonly Uint8Array[],
  width: number,
  height: number,
  origin: { x: number; y: number },
  size: number,
): boolean {
  const x1 = Math.min(width, origin.x + size);
  const y1 = Math.min(height, origin.y + size);
  for (const plane of planes) {
    for (let y = origin.y; y < y1; y++) {
      const row = y * width;
      for (let x = origin.x; x < x1; x++) if (plane[row + x] !== 0) return false;
    }
  }
  return true;
}

export async function runSeries(
  session: OpenedSession,
  manifest: ModelManifest,
  fixedBatch: number | null,
  geometry: SeriesGeometry,
  params: RunParams,
  hooks: RunHooks,
): Promise<'done' | 'cancelled'> {
  const { input } = manifest;
  const { scaleX, scaleY, width, height } = resampledGrid(manifest, geometry);
  const tiles = tileGrid(width, height, input.size, params.stride);
  const sliceCount = geometry.sopUids.length;
  const batch = fixedBatch ?? params.batchSize;
  const channels = input.channels.length;
  const patchValues = channels * input.size * input.size;
  const tensor = new Float32Array(batch * patchValues);
  const dims =
    input.layout === 'NCHW'
      ? [batch, channels, input.size, input.size]
      : [batch, input.size, input.size, channels];
  const anchors = manifest.anchors ? generateAnchors(manifest.anchors, input.size) : null;

  // Windowed grey planes on the resampled grid, kept for the neighbours a 3-slice model needs next.
  const planes = new Map<number, Uint8Array>();
  const plane = (z: number): Uint8Array => {
    let grey = planes.get(z);
    if (!grey) {
      const hu = hooks.readSlice(z);
      if (hu.length !== geometry.rows * geometry.cols) {
        throw new Error(`slice ${z} has ${hu.length} pixels, expected ${geometry.rows}×${geometry.cols}`);
      }
      const resampled = resampleBilinear(hu, geometry.cols, geometry.rows, scaleX, scaleY);
      grey = windowPlane(resampled.data, input.window);
      planes.set(z, grey);
    }
    return grey;
  };

  const slices = new Map<number, SliceAccumulator>();
  let pending: { z: number; x: number; y: number }[] = [];

  const finishSlice = (z: number, acc: SliceAccumulator): void => {
    const boxes = Float32Array.from(acc.boxes);
    const scores = Float32Array.from(acc.scores);
    const labels = Int32Array.from(acc.labels);
    const keep = batchedNms(boxes, scores, labels, params.mergeIouThreshold);
    const predictions: SliceOutcome['predictions'] = [];
    for (const k of keep) {
      const label = manifest.classNames[labels[k] as number] ?? `class ${labels[k]}`;
      // A class the manifest calls background is what the model found nothing in.
      if (label.toLowerCase() === 'background') continue;
      predictions.push({
        label,
        score: Math.min(1, Math.max(0, scores[k] as number)),
        box: {
          space: 'dicom-pixel',
          x1: boxes[4 * k] as number,
          y1: boxes[4 * k + 1] as number,
          x2: boxes[4 * k + 2] as number,
          y2: boxes[4 * k + 3] as number,
        },
      });
    }
    slices.delete(z);
    hooks.onSlice({
      sliceIndex: z,
      sopUid: geometry.sopUids[z] ?? '',
      tiles: acc.tiles,
      ms: performance.now() - acc.started,
      predictions,
    });
  };

  const collect = (z: number, x: number, y: number, d: Detections): void => {
    const acc = slices.get(z);
    if (!acc) throw new Error(`tile of slice ${z} arrived after the slice was finished`);
    for (let k = 0; k < d.scores.length; k++) {
      const box = tileBoxToDicom(
        d.boxes[4 * k] as number,
        d.boxes[4 * k + 1] as number,
        d.boxes[4 * k + 2] as number,
        d.boxes[4 * k + 3] as number,
        { x, y },
        scaleX,
        scaleY,
        geometry.cols,
        geometry.rows,
      );
      if (!box) continue;
      acc.boxes.push(box.x1, box.y1, box.x2, box.y2);
      acc.scores.push(d.scores[k] as number);
      acc.labels.push(d.labels[k] as number);
    }
    acc.remaining -= 1;
    if (acc.remaining === 0) finishSlice(z, acc);
  };

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    // A graph with a frozen batch still gets full batches: the unused items are zeros, their output ignored.
    if (pending.length < batch) tensor.fill(0, pending.length * patchValues);
    const outputs = await session.run(input.name, tensor, dims);
    const detections = decodeOutputs(manifest, outputs, batch, anchors);
    const done = pending;
    pending = [];
    for (const [i, t] of done.entries()) {
      const d = detections[i];
      if (!d) throw new Error(`the model answered ${detections.length} items for a batch of ${done.length}`);
      collect(t.z, t.x, t.y, d);
    }
  };

  for (let z = 0; z < sliceCount; z++) {
    if (hooks.isCancelled()) return 'cancelled';
    const started = performance.now();
    const channelPlanes = channelSliceIndices(input, z, sliceCount).map(plane);
    for (const key of planes.keys()) if (key < z - 1) planes.delete(key);
    slices.set(z, {
      remaining: tiles.length,
      tiles: tiles.length,
      started,
      boxes: [],
      scores: [],
      labels: [],
    });
    for (const tile of tiles) {
      if (params.skipEmptyTiles && isEmptyTile(channelPlanes, width, height, tile, input.size)) {
        const acc = slices.get(z)!;
        acc.tiles -= 1;
        acc.remaining -= 1;
        if (acc.remaining === 0) finishSlice(z, acc);
        continue;
      }
      writePatch(tensor, pending.length, channelPlanes, width, height, tile, input);
      pending.push({ z, x: tile.x, y: tile.y });
      if (pending.length === batch) {
        await flush();
        if (hooks.isCancelled()) return 'cancelled';
      }
    }
  }
  await flush();
  return 'done';
}
