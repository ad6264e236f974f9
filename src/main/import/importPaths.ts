import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ImportError, ImportReport, SeriesSummary } from '../../shared/catalog/schemas';
import type { CatalogStore, InstanceRow } from '../catalog/catalogStore';
import { refreshSeries } from '../catalog/refreshSeries';
import { loadSeriesSummary } from '../catalog/seriesSummary';
import { readWholeFileSync } from '../io/readWholeFile';
import { sha256 } from '../io/sha256';
import { GROUND_TRUTH_FILE_NAME, importGroundTruth } from '../reference/importGroundTruth';
import { acceptCandidates, type Candidate } from './acceptCandidates';
import { readInstance } from './readInstance';
import { describeFsError, walkPaths } from './walkPaths';

export interface ImportOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** No CT slice comes near this; a bigger file in a chosen folder (a video, an archive) is not read. */
export const MAX_FILE_BYTES = 1024 ** 3;
/** Files read between two yields to the event loop. */
const YIELD_EVERY = 8;

/**
 * Imports DICOM files and folders into the catalog. Each file is checked on its own; bad files are
 * listed with a reason and the rest goes on. Files are read first, then checked against each other
 * and the catalog, then written in one transaction: an import lands whole or not at all.
 * A file already in the catalog whose content changed is re-read; if the new content cannot be
 * imported, its old entry is removed (it no longer describes the file).
 */
export async function importPaths(
  store: CatalogStore,
  paths: readonly string[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const { files, errors } = await walkPaths(paths);
  // A generated cohort's ground truth travels with its DICOM files; it is read after them.
  const truthFiles = files.filter((f) => basename(f) === GROUND_TRUTH_FILE_NAME);
  const dicomFiles = files.filter((f) => basename(f) !== GROUND_TRUTH_FILE_NAME);
  const counts = { added: 0, unchanged: 0, changed: 0, failed: errors.length };
  const candidates: Candidate[] = [];
  const stale = new Map<string, InstanceRow>(); // catalogued files whose content changed
  const touched: { path: string; mtimeMs: number }[] = [];
  const unreadable = new Map<string, string>(); // catalogued files whose new content does not import
  const fail = (error: ImportError): void => {
    errors.push(error);
    counts.failed++;
  };

  for (const [n, file] of dicomFiles.entries()) {
    options.signal?.throwIfAborted();
    options.onProgress?.(n, dicomFiles.length);
    // Synchronous reads are about twice as fast here as async ones (see SeriesReader.volume);
    // yielding every few files keeps the process answering other calls.
    if (n % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
    const known = store.instanceByPath(file);
    let bytes: Uint8Array;
    let mtimeMs: number;
    try {
      const info = statSync(file);
      mtimeMs = info.mtimeMs;
      // Same size and modification time as when imported: nothing to read.
      if (known && known.file_size === info.size && known.mtime_ms === mtimeMs) {
        counts.unchanged++;
        continue;
      }
      if (info.size > MAX_FILE_BYTES) {
        fail({ file, reason: `${Math.round(info.size / 1024 ** 2)} MB is too large for a DICOM image` });
        continue;
      }
      bytes = readWholeFileSync(file);
    } catch (e) {
      fail({ file, reason: describeFsError(e) });
      continue;
    }
    const hash = sha256(bytes);
    if (known && known.content_hash === hash) {
      touched.push({ path: file, mtimeMs });
      counts.unchanged++;
      continue;
    }
    if (known) stale.set(file, known);
    const read = readInstance(bytes);
    if (!read.ok) {
      // A catalogued file's failure is reported with what happens to its entry, in the transaction.
      if (known) unreadable.set(file, read.reason);
      else fail({ file, reason: read.reason });
      continue;
    }
    candidates.push({
      file,
      header: read.header,
      hash,
      size: bytes.length,
      mtimeMs,
      huMin: read.huMin,
      huMax: read.huMax,
      known: Boolean(known),
    });
  }
  options.onProgress?.(dicomFiles.length, dicomFiles.length);

  const series = store.db
    .transaction(() => {
      const touchedSeries = new Set<string>();
      for (const { path, mtimeMs } of touched) store.touchInstance(path, mtimeMs);
      // A changed file whose slice carries readers' boxes keeps its entry unless it still holds the
      // same SOP instance: the boxes must not lose their slice. (The viewer refuses the changed file.)
      const candidateOf = new Map(candidates.map((c) => [c.file, c]));
      for (const [path, old] of stale) {
        const boxes = store.boxesOnInstance(old.sop_uid);
        if (boxes === 0 || candidateOf.get(path)?.header.sopInstanceUid === old.sop_uid) continue;
        stale.delete(path);
        candidateOf.delete(path);
        const why = unreadable.get(path) ?? 'its content changed';
        unreadable.delete(path);
        fail({
          file: path,
          reason: `${why}, but ${boxes} annotation box(es) are drawn on its slice (${old.sop_uid}); its entry is kept: restore the original file, or delete those boxes first`,
        });
      }
      for (const [path, why] of unreadable) {
        fail({ file: path, reason: `${why}; its earlier version was removed from the catalog` });
      }
      // Entries of changed files go first, so that files which swapped contents do not collide.
      for (const [path, old] of stale) {
        store.deleteInstanceByPath(path);
        touchedSeries.add(old.series_uid);
      }
      const { accepted, rejected } = acceptCandidates([...candidateOf.values()], store);
      for (const r of rejected) {
        fail({
          file: r.file,
          reason: stale.has(r.file)
            ? `${r.reason}; its earlier version was removed from the catalog`
            : r.reason,
        });
      }
      for (const c of accepted) {
        writeInstance(store, c);
        touchedSeries.add(c.header.seriesInstanceUid);
        if (c.known) counts.changed++;
        else counts.added++;
      }
      for (const uid of touchedSeries) refreshSeries(store, uid);
      return [...touchedSeries]
        .map((uid) => loadSeriesSummary(store, uid))
        .filter((s): s is SeriesSummary => s !== null);
    })
    .immediate();

  const groundTruth: ImportReport['groundTruth'] = [];
  for (const file of truthFiles) {
    try {
      groundTruth.push({ file, ...(await importGroundTruth(store.db, file)) });
    } catch (e) {
      fail({ file, reason: e instanceof Error ? e.message.replace(`${file}: `, '') : String(e) });
    }
  }
  const changedFiles = [...stale.keys()];
  return { series, errors, files: counts, changedFiles, groundTruth };
}

/** Patient, study and series rows as needed, then the instance (slice_index is set by refreshSeries). */
function writeInstance(store: CatalogStore, c: Candidate): void {
  const h = c.header;
  if (!store.study(h.studyInstanceUid)) {
    const patientRef = store.ensurePatient(h.patientId, h.patientName, h.patientBirthDate, h.patientSex);
    store.insertStudy({
      study_uid: h.studyInstanceUid,
      patient_ref: patientRef,
      study_date: h.studyDate,
      study_time: h.studyTime,
      description: h.studyDescription,
      accession: h.accessionNumber,
    });
  }
  if (!store.series(h.seriesInstanceUid)) {
    store.insertSeries({
      series_uid: h.seriesInstanceUid,
      study_uid: h.studyInstanceUid,
      modality: h.modality,
      description: h.seriesDescription,
      series_number: h.seriesNumber,
      rows: h.rows,
      cols: h.columns,
      row_spacing: h.pixelSpacing?.[0] ?? null,
      col_spacing: h.pixelSpacing?.[1] ?? null,
      orientation: h.imageOrientationPatient ? JSON.stringify(h.imageOrientationPatient) : null,
      frame_of_reference_uid: h.frameOfReferenceUid,
      window_center: h.windowCenter,
      window_width: h.windowWidth,
      slice_spacing: null,
      ordered_by: 'position',
      warnings: '[]',
      hu_min: null,
      hu_max: null,
    });
  }
  store.insertInstance({
    sop_uid: h.sopInstanceUid,
    series_uid: h.seriesInstanceUid,
    file_path: c.file,
    file_size: c.size,
    mtime_ms: c.mtimeMs,
    content_hash: c.hash,
    transfer_syntax: h.transferSyntaxUid,
    instance_number: h.instanceNumber,
    pos_x: h.imagePositionPatient?.[0] ?? null,
    pos_y: h.imagePositionPatient?.[1] ?? null,
    pos_z: h.imagePositionPatient?.[2] ?? null,
    rescale_slope: h.rescaleSlope,
    rescale_intercept: h.rescaleIntercept,
    hu_min: c.huMin,
    hu_max: c.huMax,
    slice_index: null,
  });
}
