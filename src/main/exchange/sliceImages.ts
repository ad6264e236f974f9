// The slice images of a whole-slice export (COCO, keras-retinanet CSV, Pascal VOC): each slice at its
// own DICOM pixel grid (so boxes need no mapping), windowed at the paper's 140 / 400, as grey PNG or
// as the 3-slice synthesized RGB PNG (R = z−1, G = z, B = z+1; the first and last slice stand in for
// their missing neighbour), which keras-retinanet and most detection frameworks read as-is.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ExportImage } from '../../shared/exchange/exportImages';
import type { PatchInput } from '../../shared/exchange/patchManifest';
import { neighbourIndices } from '../../shared/imaging/threeSlice';
import { windowPlane } from '../../shared/preprocessing/resample';
import { readInstanceHu, type InstanceFile } from '../series/instancePixels';
import { cancelledError, PATCH_WINDOW } from './patches/writePatchSet';
import { encodePng, interleaveRgb } from './patches/png';

export interface SliceImageOptions {
  outDir: string;
  images: readonly ExportImage[];
  input: PatchInput;
  /** Catalog rows of an exported series' instances in slice order, by the exported series UID. */
  instancesOf(seriesInstanceUid: string): readonly InstanceFile[];
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

/** Writes every image; returns the bytes written. */
export async function writeSliceImages(o: SliceImageOptions): Promise<number> {
  let bytes = 0;
  let series = '';
  let instances: readonly InstanceFile[] = [];
  // Grey planes of the current series by slice index: z−1, z, z+1 of consecutive slices are reused.
  let planes = new Map<number, Uint8Array>();
  const grey = (z: number): Uint8Array => {
    let plane = planes.get(z);
    if (!plane) {
      const inst = instances[z];
      if (!inst) throw new Error(`slice ${z} of series ${series} is not in the catalog`);
      plane = windowPlane(readInstanceHu(inst), PATCH_WINDOW);
      planes.set(z, plane);
    }
    return plane;
  };
  const made = new Set<string>();
  for (const [n, img] of o.images.entries()) {
    if (o.signal?.aborted) throw cancelledError();
    if (img.series.seriesInstanceUid !== series) {
      series = img.series.seriesInstanceUid;
      instances = o.instancesOf(series);
      planes = new Map();
    }
    const z = img.sliceIndex;
    const { cols, rows } = img.series;
    let png: Buffer;
    if (o.input === '1slice') png = encodePng(grey(z), cols, rows, 'grey');
    else {
      const [prev, cur, next] = neighbourIndices(z, instances.length);
      png = encodePng(interleaveRgb(grey(prev), grey(cur), grey(next)), cols, rows, 'rgb');
    }
    for (const k of planes.keys()) if (k < z - 1) planes.delete(k);
    const path = join(o.outDir, img.file);
    const dir = dirname(path);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    await writeFile(path, png);
    bytes += png.length;
    o.onProgress?.(n + 1, o.images.length);
    await nextTurn();
  }
  return bytes;
}
