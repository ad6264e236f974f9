import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { SeriesDetail, SliceData } from '../../shared/catalog/schemas';
import { SeriesUid, SopInstanceUid } from '../../shared/ids';
import type { CatalogStore } from '../catalog/catalogStore';
import { parseOrientation, positionOf, toSeriesSummary } from '../catalog/seriesSummary';
import { toModalityValues, toModalityValuesInto } from '../dicom';
import { readWholeFile, readWholeFileSync } from '../io/readWholeFile';
import { SYNTHETIC_DESCRIPTION } from '../phantom/headers';
import { LruCache } from '../../shared/imaging/sliceLoader';
import { NotFoundError } from '../services/errors';
import { storedPixelsOf } from './instancePixels';

/** A whole series in HU, slices in anatomical order: value (z, y, x) at hu[(z · rows + y) · cols + x]. */
export interface Volume {
  rows: number;
  cols: number;
  slices: number;
  hu: Int16Array | Float32Array;
}

/** Slices loaded between two yields to the event loop (about 10 ms of work). */
const YIELD_EVERY = 8;

/** Reads series geometry from the catalog and slice pixels (in HU) from the files, with a cache. */
export class SeriesReader {
  private readonly cache: LruCache<string, Int16Array | Float32Array>;

  constructor(
    private readonly store: CatalogStore,
    cacheBytes = 512 * 1024 * 1024,
  ) {
    this.cache = new LruCache(cacheBytes, (hu) => hu.byteLength);
  }

  detail(seriesUid: string, synthetic: boolean): SeriesDetail {
    const row = this.store.series(seriesUid);
    if (!row) throw new NotFoundError(`no series ${seriesUid} in this workspace`);
    const instances = this.store.instancesOfSeries(seriesUid);
    const patient = this.store.patientOfStudy(row.study_uid);
    const o = parseOrientation(row.orientation);
    return {
      summary: toSeriesSummary(row, instances.length, instances[0], instances[instances.length - 1]),
      patientName: patient?.name ?? '',
      patientId: patient?.patient_id ?? '',
      orientation: o ? [o[0], o[1], o[2], o[3], o[4], o[5]] : null,
      window:
        row.window_center !== null && row.window_width !== null
          ? { center: row.window_center, width: row.window_width }
          : null,
      orderedBy: row.ordered_by === 'instance-number' ? 'instance-number' : 'position',
      slices: instances.map((inst, index) => ({
        index,
        sopInstanceUid: SopInstanceUid.parse(inst.sop_uid),
        instanceNumber: inst.instance_number,
        position: positionOf(inst),
      })),
      // The phantom marks what it writes; imported phantom data is synthetic in any workspace.
      synthetic: synthetic || row.description.includes(SYNTHETIC_DESCRIPTION),
    };
  }

  /**
   * Loads every slice of a series into one array. Files are read synchronously, which on a 2-core
   * machine is about twice as fast as overlapping async reads with decoding (the thread pool and the
   * decoder fight for the same cores); the loop yields to the event loop every few slices so that
   * other calls are still answered.
   */
  async volume(seriesUid: string, onProgress?: (done: number, total: number) => void): Promise<Volume> {
    const row = this.store.series(seriesUid);
    if (!row) throw new NotFoundError(`no series ${seriesUid} in this workspace`);
    const instances = this.store.instancesOfSeries(seriesUid);
    const size = row.rows * row.cols;
    // HU go straight into the volume; a slice that needs floats turns the volume into floats.
    let ints: Int16Array | null = new Int16Array(size * instances.length);
    let floats: Float32Array | null = null;
    let scratch: Uint8Array | undefined;
    for (const [z, inst] of instances.entries()) {
      if (z % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      // One buffer serves every file of the series (borrowed by the parser: no copies, no garbage).
      scratch = readWholeFileSync(inst.file_path, scratch);
      const stored = storedPixelsOf(inst, scratch, statSync(inst.file_path).mtimeMs, { borrow: true });
      const target = ints?.subarray(z * size, (z + 1) * size);
      if (!target || !toModalityValuesInto(stored, inst.rescale_slope, inst.rescale_intercept, target)) {
        floats ??= ints ? Float32Array.from(ints) : new Float32Array(size * instances.length);
        ints = null;
        floats.set(toModalityValues(stored, inst.rescale_slope, inst.rescale_intercept), z * size);
      }
      onProgress?.(z + 1, instances.length);
    }
    return {
      rows: row.rows,
      cols: row.cols,
      slices: instances.length,
      hu: floats ?? ints ?? new Int16Array(0),
    };
  }

  async slice(seriesUid: string, index: number): Promise<SliceData> {
    const row = this.store.series(seriesUid);
    if (!row) throw new NotFoundError(`no series ${seriesUid} in this workspace`);
    const inst = this.store.instanceAt(seriesUid, index);
    if (!inst) throw new NotFoundError(`series ${seriesUid} has no slice ${index}`);
    const key = `${inst.file_path}\u0000${inst.content_hash}`;
    let hu = this.cache.get(key);
    if (!hu) {
      const { mtimeMs } = await stat(inst.file_path);
      const stored = storedPixelsOf(inst, await readWholeFile(inst.file_path), mtimeMs);
      hu = toModalityValues(stored, inst.rescale_slope, inst.rescale_intercept);
      this.cache.set(key, hu);
    }
    return { seriesUid: SeriesUid.parse(seriesUid), index, rows: row.rows, cols: row.cols, hu };
  }
}
