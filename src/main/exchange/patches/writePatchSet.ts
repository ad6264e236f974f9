// Writes a training patch set (`dvt export --format patches`): the paper's 128×128 patches at
// 0.695 mm around each target and vein box, as 1-slice and/or 3-slice images, plus a manifest
// (shared/exchange/patchManifest.ts) written last. Pixels go through the inference engine's own
// preprocessing (readInstanceHu → resampleBilinear → windowPlane, as main/inference/runSeries.ts),
// so a model trained on these patches sees the same numbers at inference.
//
// Padding, where a resampled slice is smaller than a patch: the HU at the window's lower edge
// (level − width / 2 = −60 HU) in npy, which windows to grey 0 — the grey the inference engine pads
// tiles with — in PNG.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AnnotationSet, SetSeries } from '../../../shared/exchange/annotationSet';
import {
  PATCH_SET_FORMAT,
  PATCH_SET_VERSION,
  PatchSetManifest,
  type PatchEncoding,
  type PatchEntry,
  type PatchInput,
} from '../../../shared/exchange/patchManifest';
import {
  cutPatch,
  patchGrid,
  placeSlicePatches,
  VEIN_LABEL,
  type LabelledBox,
} from '../../../shared/exchange/patchPlacement';
import { mulberry32 } from '../../../shared/evaluation/random';
import { neighbourIndices } from '../../../shared/imaging/threeSlice';
import { VENOUS_WINDOW, type WindowLevel } from '../../../shared/imaging/window';
import { resampleBilinear, windowPlane } from '../../../shared/preprocessing/resample';
import { readInstanceHu, type InstanceFile } from '../../series/instancePixels';
import { encodeNpyFloat32 } from './npy';
import { encodePng, interleaveRgb } from './png';

/** The paper's patch: 128 pixels at 0.695 mm, venous window 140 / 400. */
export const PATCH_SIZE = 128;
export const PATCH_PIXEL_SPACING_MM = 0.695;
export const PATCH_WINDOW: WindowLevel = { level: VENOUS_WINDOW.level, width: VENOUS_WINDOW.width };
export const DEFAULT_MIN_BOX_FRACTION = 0.5;
export const CANCELLED_MESSAGE = 'export cancelled';

/** The real pixels behind one series of the set. */
export interface PatchSeriesSource {
  /** Catalog rows of the series' instances in slice order: instances[i] is slice i. */
  instances: readonly InstanceFile[];
  cols: number;
  rows: number;
  colSpacingMm: number | null;
  rowSpacingMm: number | null;
}

export interface PatchSetOptions {
  /** An existing, empty folder (the caller stages the set there and renames it when done). */
  outDir: string;
  /** Identifiers as they are to be written (maybe pseudonyms); `set.boxes` are the boxes to use. */
  set: AnnotationSet;
  source: PatchSetManifest['source'];
  /** Detection classes, e.g. ['DVT']; boxes labelled 'vein' only place patches. */
  classes: string[];
  inputs?: PatchInput[];
  encoding?: PatchEncoding;
  /** The split, with the fold of every patient of the set (keyed by `set.patients[].id`). */
  folds: PatchSetManifest['folds'] & { byPatient: ReadonlyMap<string, number> };
  /** Real pixels of a series of the set, by the set's series UID. */
  seriesSource(seriesInstanceUid: string): PatchSeriesSource;
  /** Slices with patches done and in all (called after each). */
  onProgress?(done: number, total: number): void;
  /** Checked between slices; an abort rejects with Error('export cancelled') named 'AbortError'. */
  signal?: AbortSignal;
  minBoxFraction?: number;
  /** Random shift of each patch from its centre, resampled pixels (0: centred); seeded by `jitterSeed`. */
  jitterPx?: number;
  jitterSeed?: number;
  /** Patches around vein boxes on every n-th slice only (1: every slice); target patches on every slice. */
  veinSliceStride?: number;
  now?: Date;
  generator?: string;
}

export interface PatchSetResult {
  manifestPath: string;
  patches: number;
  /** Files written, the manifest included. */
  files: number;
  /** Bytes written, the manifest included. */
  bytes: number;
}

/** The error an aborted export rejects with (name 'AbortError'). */
export function cancelledError(): Error {
  const e = new Error(CANCELLED_MESSAGE);
  e.name = 'AbortError';
  return e;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** One series of the set to cut: its boxes by slice index, and its place for patch ids. */
interface SeriesPlan {
  series: SetSeries;
  patientId: string;
  fold: number;
  /** Readable id prefix: patient and series positions in the set, never identifiers. */
  idPrefix: string;
  boxesBySlice: Map<number, LabelledBox[]>;
}

function planSeries(o: PatchSetOptions): { plans: SeriesPlan[]; patients: PatchSetManifest['patients'] } {
  const { set } = o;
  const patients = set.patients.map((p) => {
    const fold = o.folds.byPatient.get(p.id);
    if (fold === undefined || !Number.isInteger(fold) || fold < 0 || fold >= o.folds.k) {
      throw new Error(`patient ${p.id} has no fold in 0…${o.folds.k - 1}`);
    }
    return { id: p.id, fold };
  });
  const patientIndex = new Map(set.patients.map((p, i) => [p.id, i]));
  const patientWidth = Math.max(3, String(set.patients.length).length);
  const seriesCount = new Map<string, number>();
  const byUid = new Map<string, SeriesPlan>();
  const plans = set.series.map((series) => {
    const pi = patientIndex.get(series.patientId);
    if (pi === undefined) throw new Error(`series ${series.seriesInstanceUid} names a patient the set lacks`);
    const si = (seriesCount.get(series.patientId) ?? 0) + 1;
    seriesCount.set(series.patientId, si);
    const plan: SeriesPlan = {
      series,
      patientId: series.patientId,
      fold: patients[pi]!.fold,
      idPrefix: `p${pad(pi + 1, patientWidth)}-s${pad(si, 2)}`,
      boxesBySlice: new Map(),
    };
    byUid.set(series.seriesInstanceUid, plan);
    return plan;
  });
  const classes = new Set(o.classes);
  const sliceOfSop = new Map(
    set.series.map((s) => [s.seriesInstanceUid, new Map(s.slices.map((x) => [x.sopInstanceUid, x.index]))]),
  );
  const veinStride = o.veinSliceStride ?? 1;
  for (const b of set.boxes) {
    if (!classes.has(b.label) && b.label !== VEIN_LABEL) continue;
    // Vein-only patches on every n-th slice: neighbouring slices give nearly the same patch.
    if (!classes.has(b.label) && b.sliceIndex % veinStride !== 0) continue;
    const plan = byUid.get(b.seriesInstanceUid);
    if (!plan) throw new Error(`a box names series ${b.seriesInstanceUid}, which the set lacks`);
    // The SOP UID decides the slice; an index that disagrees means the set was built inconsistently.
    const index = sliceOfSop.get(b.seriesInstanceUid)?.get(b.sopInstanceUid);
    if (index !== b.sliceIndex) {
      throw new Error(
        `a box on slice ${b.sliceIndex} of series ${b.seriesInstanceUid} names another slice's SOP UID`,
      );
    }
    const list = plan.boxesBySlice.get(index) ?? [];
    list.push({ label: b.label, box: b.box });
    plan.boxesBySlice.set(index, list);
  }
  return { plans, patients };
}

function checkSource(series: SetSeries, src: PatchSeriesSource): void {
  const n = series.slices.length;
  if (src.instances.length !== n) {
    throw new Error(
      `series ${series.seriesInstanceUid} has ${src.instances.length} slices in the workspace, ${n} in the set`,
    );
  }
  if (src.cols !== series.cols || src.rows !== series.rows) {
    throw new Error(
      `series ${series.seriesInstanceUid} is ${src.cols}×${src.rows} in the workspace, ${series.cols}×${series.rows} in the set`,
    );
  }
  series.slices.forEach((s, i) => {
    if (s.index !== i) throw new Error(`series ${series.seriesInstanceUid} lists its slices out of order`);
  });
}

export async function writePatchSet(o: PatchSetOptions): Promise<PatchSetResult> {
  const inputs = [...new Set(o.inputs ?? (['1slice', '3slice'] as const))];
  const encoding = o.encoding ?? 'png';
  const minBoxFraction = o.minBoxFraction ?? DEFAULT_MIN_BOX_FRACTION;
  if (!Number.isInteger(o.veinSliceStride ?? 1) || (o.veinSliceStride ?? 1) < 1) {
    throw new Error('veinSliceStride must be a whole number ≥ 1');
  }
  const jitterPx = o.jitterPx ?? 0;
  const jitterSeed = o.jitterSeed ?? 1;
  const padHu = PATCH_WINDOW.level - PATCH_WINDOW.width / 2;
  if (inputs.length === 0) throw new Error('a patch set needs at least one input form');
  if (o.classes.length === 0) throw new Error('a patch set needs at least one class');
  if ((await readdir(o.outDir)).length > 0) throw new Error(`${o.outDir} is not empty`);
  if (o.signal?.aborted) throw cancelledError();

  const { plans, patients } = planSeries(o);
  const total = plans.reduce((n, p) => n + p.boxesBySlice.size, 0);
  for (const input of inputs) await mkdir(join(o.outDir, 'patches', input), { recursive: true });

  const entries: PatchEntry[] = [];
  let done = 0;
  let files = 0;
  let bytes = 0;
  const write = async (relative: string, data: Uint8Array): Promise<void> => {
    await writeFile(join(o.outDir, relative), data, { flag: 'wx' });
    files += 1;
    bytes += data.length;
  };

  for (const [seriesIndex, plan] of plans.entries()) {
    if (plan.boxesBySlice.size === 0) continue;
    const { series } = plan;
    const src = o.seriesSource(series.seriesInstanceUid);
    checkSource(series, src);
    const sliceCount = src.instances.length;
    const geometry = {
      cols: src.cols,
      rows: src.rows,
      colSpacingMm: src.colSpacingMm,
      rowSpacingMm: src.rowSpacingMm,
    };
    const grid = patchGrid(geometry, PATCH_PIXEL_SPACING_MM);

    // Resampled HU planes, kept only while a slice in reach (z − 1 … z + 1) still needs them.
    const planes = new Map<number, Float32Array>();
    const plane = (z: number): Float32Array => {
      let p = planes.get(z);
      if (!p) {
        const hu = readInstanceHu(src.instances[z]!);
        if (hu.length !== src.rows * src.cols) {
          throw new Error(`slice ${z} has ${hu.length} pixels, expected ${src.cols}×${src.rows}`);
        }
        p = resampleBilinear(hu, src.cols, src.rows, grid.scaleX, grid.scaleY).data;
        planes.set(z, p);
      }
      return p;
    };

    for (const z of [...plan.boxesBySlice.keys()].sort((a, b) => a - b)) {
      if (o.signal?.aborted) throw cancelledError();
      const channelSlices = neighbourIndices(z, sliceCount);
      const needed = new Set(inputs.includes('3slice') ? channelSlices : [z]);
      for (const key of planes.keys()) if (!needed.has(key)) planes.delete(key);

      const placed = placeSlicePatches(geometry, plan.boxesBySlice.get(z)!, {
        size: PATCH_SIZE,
        pixelSpacingMm: PATCH_PIXEL_SPACING_MM,
        classes: o.classes,
        minBoxFraction,
        // One stream per slice: a slice's patches do not move when other series are added or left out.
        jitter: {
          maxPx: jitterPx,
          random: mulberry32((jitterSeed + seriesIndex * 100_003 + z * 7919) >>> 0),
        },
      });
      for (const [n, patch] of placed.entries()) {
        const id = `${plan.idPrefix}-z${pad(z, Math.max(4, String(sliceCount - 1).length))}-${pad(n + 1, 2)}`;
        // Each distinct slice cut once: at the series' ends a neighbour is the slice itself.
        const cuts = new Map<number, Float32Array>();
        const cut = (s: number): Float32Array => {
          let c = cuts.get(s);
          if (!c) {
            c = cutPatch(plane(s), grid.width, grid.height, patch.origin, PATCH_SIZE, padHu);
            cuts.set(s, c);
          }
          return c;
        };
        const entryFiles: PatchEntry['files'] = {};
        for (const input of inputs) {
          const slices = input === '3slice' ? channelSlices : [z];
          const relative = `patches/${input}/${id}.${encoding}`;
          if (encoding === 'npy') {
            const values = new Float32Array(slices.length * PATCH_SIZE * PATCH_SIZE);
            slices.forEach((s, c) => values.set(cut(s), c * PATCH_SIZE * PATCH_SIZE));
            await write(relative, encodeNpyFloat32(values, [slices.length, PATCH_SIZE, PATCH_SIZE]));
          } else {
            const grey = slices.map((s) => windowPlane(cut(s), PATCH_WINDOW));
            const png =
              input === '3slice'
                ? encodePng(interleaveRgb(grey[0]!, grey[1]!, grey[2]!), PATCH_SIZE, PATCH_SIZE, 'rgb')
                : encodePng(grey[0]!, PATCH_SIZE, PATCH_SIZE, 'grey');
            await write(relative, png);
          }
          entryFiles[input] = relative;
        }
        entries.push({
          id,
          patientId: plan.patientId,
          fold: plan.fold,
          seriesInstanceUid: series.seriesInstanceUid,
          sopInstanceUid: series.slices[z]!.sopInstanceUid,
          sliceIndex: z,
          sliceCount,
          channelSlices,
          centredOn: patch.centredOn,
          origin: patch.origin,
          scale: { x: grid.scaleX, y: grid.scaleY },
          image: { cols: series.cols, rows: series.rows },
          files: entryFiles,
          boxes: patch.boxes,
        });
      }
      done += 1;
      o.onProgress?.(done, total);
      // Let progress reach the caller and a cancel arrive before the next slice.
      await nextTurn();
    }
  }
  if (o.signal?.aborted) throw cancelledError();

  const manifest = PatchSetManifest.parse({
    format: PATCH_SET_FORMAT,
    version: PATCH_SET_VERSION,
    exportedAt: (o.now ?? new Date()).toISOString(),
    generator: o.generator ?? 'DVT Workstation',
    deidentified: o.set.deidentified,
    source: o.source,
    classes: o.classes,
    patch: {
      size: PATCH_SIZE,
      pixelSpacingMm: PATCH_PIXEL_SPACING_MM,
      window: PATCH_WINDOW,
      inputs,
      encoding,
      minBoxFraction,
      jitterPx,
      jitterSeed,
      veinSliceStride: o.veinSliceStride ?? 1,
    },
    folds: { k: o.folds.k, seed: o.folds.seed, source: o.folds.source },
    patients,
    patches: entries,
  } satisfies PatchSetManifest);
  const manifestPath = join(o.outDir, 'manifest.json');
  await write('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`, 'utf8'));
  return { manifestPath, patches: entries.length, files, bytes };
}
