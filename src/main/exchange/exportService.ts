// One export, start to finish: the annotation set is collected from the workspace (de-identified
// unless turned off), the format's files are written into a staging folder beside the target, and the
// staging folder becomes the target only when everything was written — a failed or cancelled export
// leaves nothing behind. Progress is reported per file written; an AbortSignal cancels between files.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { assignFolds } from '../../shared/evaluation';
import { writeCoco } from '../../shared/exchange/cocoExport';
import { exportImages, singleReader } from '../../shared/exchange/exportImages';
import {
  ExportRequest,
  type ExportRequestInput,
  type ExportResult,
} from '../../shared/exchange/exportRequest';
import { CSV_ANNOTATIONS, CSV_CLASSES, writeKerasCsv } from '../../shared/exchange/kerasCsv';
import { writeNative } from '../../shared/exchange/nativeSet';
import { VOC_ANNOTATIONS_DIR, VOC_IMAGE_SET, writeVocXml } from '../../shared/exchange/pascalVoc';
import { VEIN_LABEL } from '../../shared/exchange/patchPlacement';
import type { CatalogStore } from '../catalog/catalogStore';
import type { Db } from '../db/database';
import { InvalidInputError } from '../services/errors';
import { buildAnnotationSet, GENERATOR, REFERENCE_READER, type BuiltSet } from './buildSet';
import { createEvaluationStore } from '../evaluation/evaluationStore';
import { createExchangeStore } from './exchangeStore';
import { cancelledError, writePatchSet } from './patches/writePatchSet';
import { newUid } from './pseudonyms';
import { writeSliceImages } from './sliceImages';
import { writeSeriesSr } from './sr/writeSr';

export type ExportPhase = 'collecting' | 'writing' | 'finishing';

export interface ExportHooks {
  onProgress?(phase: ExportPhase, done: number, total: number): void;
  signal?: AbortSignal;
  now?: Date;
}

/** The target must be new or an empty folder; its parent is created when missing. */
function checkTarget(outDir: string): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new InvalidInputError(`${outDir} exists and is not a folder`);
  if (readdirSync(outDir).length > 0)
    throw new InvalidInputError(`${outDir} is not empty; choose a new folder`);
}

/** Mimics placed in generated cohorts to look like thrombi are never detection targets. */
const NOT_TARGETS = new Set([VEIN_LABEL, 'mixing_artifact', 'lymph_node']);

function collect(db: Db, r: ExportRequest, now: Date): BuiltSet {
  const base = {
    labels: r.labels,
    series: r.series,
    deidentify: r.deidentify,
    now,
  };
  if (r.format === 'patches') {
    // Patches are cut around one source's targets and veins: a reader's boxes (with the reference
    // veins of generated cohorts as extra centres, as the evaluation's patch unit does), or the reference.
    if (r.reference) {
      if (r.readers !== 'all' && r.readers.length > 0) {
        throw new InvalidInputError('a patch set takes one source: a reader, or the reference truth');
      }
      return buildAnnotationSet(db, { ...base, readers: [], reference: true, runs: 'none' });
    }
    if (r.readers === 'all' || r.readers.length !== 1) {
      throw new InvalidInputError('a patch set takes one source: name one reader, or the reference truth');
    }
    return buildAnnotationSet(db, {
      ...base,
      labels: undefined,
      readers: r.readers,
      reference: true,
      referenceKinds: [VEIN_LABEL],
      runs: 'none',
    });
  }
  return buildAnnotationSet(db, {
    ...base,
    readers: r.readers,
    reference: r.reference,
    runs: r.format === 'native' ? r.runs : 'none',
  });
}

export async function exportAnnotations(
  db: Db,
  catalog: CatalogStore,
  input: ExportRequestInput,
  hooks: ExportHooks = {},
): Promise<ExportResult> {
  const parsed = ExportRequest.safeParse(input);
  if (!parsed.success)
    throw new InvalidInputError(`export: ${parsed.error.issues[0]?.message ?? 'invalid request'}`);
  const r = parsed.data;
  if (r.runs !== 'none' && r.format !== 'native') {
    throw new InvalidInputError('runs are exported in the native format only');
  }
  const outDir = resolve(r.outDir);
  checkTarget(outDir);
  const now = hooks.now ?? new Date();
  const progress = (phase: ExportPhase, done: number, total: number): void =>
    hooks.onProgress?.(phase, done, total);
  progress('collecting', 0, 1);
  const built = collect(db, r, now);
  const { set } = built;
  if (set.series.length === 0) {
    throw new InvalidInputError(
      'nothing to export: no series has boxes or case states of the chosen readers',
    );
  }
  if (r.format === 'csv' || r.format === 'voc')
    singleReader(set, r.format === 'csv' ? 'keras-retinanet CSV' : 'Pascal VOC');
  if (hooks.signal?.aborted) throw cancelledError();
  progress('collecting', 1, 1);

  await mkdir(dirname(outDir), { recursive: true });
  const stage = join(dirname(outDir), `.${basename(outDir)}.partial-${randomBytes(4).toString('hex')}`);
  await mkdir(stage);
  let files = 0;
  let bytes = 0;
  const put = async (relative: string, content: string | Uint8Array): Promise<void> => {
    const path = join(stage, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    files++;
    bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  };
  const instancesOf = (outSeries: string) => {
    const real = built.realSeriesUid.get(outSeries);
    if (real === undefined) throw new Error(`series ${outSeries} is not in the export`);
    return catalog.instancesOfSeries(real);
  };
  const result: ExportResult = {
    format: r.format,
    outDir,
    deidentified: set.deidentified,
    files: 0,
    bytes: 0,
    series: set.series.length,
    patients: set.patients.length,
    boxes: set.boxes.length,
    notesDropped: built.notesDropped,
  };
  const writing = (done: number, total: number): void => progress('writing', done, total);
  try {
    switch (r.format) {
      case 'native':
        await put('annotations.json', writeNative(set));
        result.runs = set.runs?.length ?? 0;
        break;
      case 'coco':
      case 'csv':
      case 'voc': {
        const images = exportImages(set, r.slices);
        if (images.length === 0) throw new InvalidInputError('nothing to export: no slice has boxes');
        if (r.format === 'coco') await put('annotations.json', writeCoco(set, images));
        if (r.format === 'csv') {
          const csv = writeKerasCsv(set, images);
          await put(CSV_ANNOTATIONS, csv.annotations);
          await put(CSV_CLASSES, csv.classes);
        }
        if (r.format === 'voc') {
          const depth = r.imageInput === '1slice' ? 1 : 3;
          for (const img of images) {
            const stem = img.file
              .split('/')
              .pop()!
              .replace(/\.png$/, '');
            await put(`${VOC_ANNOTATIONS_DIR}/${stem}.xml`, writeVocXml(set, img, depth));
          }
          await put(
            VOC_IMAGE_SET,
            images
              .map((i) =>
                i.file
                  .split('/')
                  .pop()!
                  .replace(/\.png$/, ''),
              )
              .join('\n') + '\n',
          );
        }
        bytes += await writeSliceImages({
          outDir: stage,
          images,
          input: r.imageInput,
          instancesOf,
          onProgress: writing,
          ...(hooks.signal ? { signal: hooks.signal } : {}),
        });
        files += images.length;
        result.images = images.length;
        break;
      }
      case 'sr': {
        const pairs = set.series.flatMap((s) =>
          [
            ...new Set(
              set.boxes.filter((b) => b.seriesInstanceUid === s.seriesInstanceUid).map((b) => b.reader),
            ),
          ].map((reader) => ({ series: s.seriesInstanceUid, reader })),
        );
        if (pairs.length === 0) throw new InvalidInputError('nothing to export: no series has boxes');
        const readerNumber = new Map(set.readers.map((rd, i) => [rd.name, i + 1]));
        for (const [i, pair] of pairs.entries()) {
          if (hooks.signal?.aborted) throw cancelledError();
          const sr = writeSeriesSr(set, pair.series, pair.reader, {
            seriesInstanceUid: newUid(),
            sopInstanceUid: newUid(),
            seriesNumber: 9000 + (readerNumber.get(pair.reader) ?? 0),
            instanceNumber: 1,
            now,
            manufacturer: 'DVT Workstation',
            softwareVersion: GENERATOR,
          });
          await put(`sr/${String(i + 1).padStart(4, '0')}.dcm`, sr);
          writing(i + 1, pairs.length);
          await nextTurn();
        }
        break;
      }
      case 'patches': {
        const classes = set.labels.filter((l) => !NOT_TARGETS.has(l));
        if (classes.length === 0)
          throw new InvalidInputError('a patch set needs a target label besides vein (e.g. DVT)');
        const folds = patchFolds(db, built, r.foldK, r.foldSeed);
        const out = await writePatchSet({
          outDir: stage,
          set,
          source: r.reference
            ? { kind: 'reference' }
            : {
                kind: 'reader',
                reader:
                  set.boxes.find((b) => b.reader !== REFERENCE_READER)?.reader ?? set.readers[0]?.name ?? '',
              },
          classes,
          inputs: r.patchInputs,
          encoding: r.patchEncoding,
          jitterPx: r.patchJitter,
          jitterSeed: r.foldSeed,
          veinSliceStride: r.patchVeinEvery,
          folds,
          seriesSource: (outSeries) => {
            const real = built.realSeriesUid.get(outSeries)!;
            const s = catalog.series(real)!;
            return {
              instances: catalog.instancesOfSeries(real),
              cols: s.cols,
              rows: s.rows,
              colSpacingMm: s.col_spacing,
              rowSpacingMm: s.row_spacing,
            };
          },
          onProgress: writing,
          ...(hooks.signal ? { signal: hooks.signal } : {}),
          now,
          generator: GENERATOR,
        });
        files += out.files;
        bytes += out.bytes;
        result.patches = out.patches;
        break;
      }
    }
    if (hooks.signal?.aborted) throw cancelledError();
    progress('finishing', 0, 1);
    if (existsSync(outDir)) await rmdir(outDir);
    await rename(stage, outDir);
    progress('finishing', 1, 1);
  } catch (e) {
    await rm(stage, { recursive: true, force: true });
    throw e;
  }
  return { ...result, files, bytes };
}

/** The patients' folds for a patch set: the workspace's split when assigned, else one made for this export. */
function patchFolds(db: Db, built: BuiltSet, k: number, seed: number) {
  const store = createExchangeStore(db);
  const foldStore = createEvaluationStore(db);
  const stored = foldStore.foldAssignment();
  const realPatientOf = new Map<string, string>();
  for (const s of built.set.series) {
    const real = built.realSeriesUid.get(s.seriesInstanceUid)!;
    const row = store.series(real);
    if (row) realPatientOf.set(s.patientId, row.patient_id);
  }
  const byPatient = new Map<string, number>();
  if (stored) {
    const folds = new Map(foldStore.folds().map((f) => [f.patient_id, f.fold]));
    for (const p of built.set.patients) {
      const fold = folds.get(realPatientOf.get(p.id) ?? '');
      if (fold === undefined) {
        throw new InvalidInputError(
          `patient ${p.id} has no cross-validation fold (assign folds again: dvt folds --assign)`,
        );
      }
      byPatient.set(p.id, fold);
    }
    return { k: stored.k, seed: stored.seed, source: 'workspace' as const, byPatient };
  }
  if (built.set.patients.length < k) {
    throw new InvalidInputError(
      `${k} folds need at least ${k} patients; the export has ${built.set.patients.length}`,
    );
  }
  // Assigned on the real patient IDs, so the split does not depend on de-identification.
  const assigned = assignFolds([...realPatientOf.values()], k, seed);
  for (const p of built.set.patients) byPatient.set(p.id, assigned.get(realPatientOf.get(p.id)!)!);
  return { k, seed, source: 'export' as const, byPatient };
}
