// A workspace's annotations as an AnnotationSet (shared/exchange/annotationSet.ts), the one shape every
// export format is written from. What goes in: the chosen readers' live boxes and case states, the
// reference truth of generated cohorts (as the reader "reference") when asked, the chosen finished runs,
// on the chosen series (by default every series with something to export). With de-identification,
// identifiers are replaced by the workspace's stable pseudonyms and free text is dropped.
import { parseDicom } from '../dicom';
import type { Db } from '../db/database';
import { readWholeFileSync } from '../io/readWholeFile';
import { seriesReference } from '../reference/referenceStore';
import { InvalidInputError } from '../services/errors';
import {
  ANNOTATION_SET_FORMAT,
  ANNOTATION_SET_VERSION,
  type AnnotationSet,
  type SetBox,
  type SetCase,
  type SetPatient,
  type SetRun,
  type SetSeries,
} from '../../shared/exchange/annotationSet';
import { createEvaluationStore } from '../evaluation/evaluationStore';
import { createExchangeStore, type ExportSeriesRow } from './exchangeStore';
import { createPseudonyms } from './pseudonyms';

export const GENERATOR = 'DVT Workstation 0.1.0';
/** The reader name under which a workspace's reference truth is exported. */
export const REFERENCE_READER = 'reference';
/** Reference kinds exported unless labels are chosen: thrombi and the veins patches are cut around. */
const DEFAULT_REFERENCE_KINDS = ['DVT', 'vein'];

export interface SetSelection {
  /** Readers whose live boxes and case states go in (names, ignoring case), or every reader. */
  readers: 'all' | readonly string[];
  /** Adds the reference truth of generated cohorts as the reader "reference". */
  reference: boolean;
  /** Reference kinds taken (default: DVT and vein, or those of `labels`). */
  referenceKinds?: readonly string[];
  /** Only boxes with these labels (ignoring case); all labels when absent. */
  labels?: readonly string[];
  /** Only these series; when absent, every series with exported boxes, case states or runs. */
  series?: readonly string[];
  /** Finished runs to include with their predictions. */
  runs: 'none' | 'all' | readonly number[];
  deidentify: boolean;
  now?: Date;
}

export interface BuiltSet {
  set: AnnotationSet;
  /** The workspace's series UID of an exported (maybe pseudonymous) series UID. */
  realSeriesUid: ReadonlyMap<string, string>;
  /** Free-text notes left out by de-identification. */
  notesDropped: number;
}

const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const SOP_CLASS_OF_MODALITY: Record<string, string> = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
};

/** The series' SOP class, read from its first file (catalog rows do not keep it). */
function sopClassOf(firstFile: string | undefined, modality: string): string {
  if (firstFile !== undefined) {
    try {
      const uid = parseDicom(readWholeFileSync(firstFile)).header.sopClassUid;
      if (uid) return uid;
    } catch {
      // A moved or changed file: the modality's usual class below.
    }
  }
  return SOP_CLASS_OF_MODALITY[modality] ?? SECONDARY_CAPTURE;
}

export function buildAnnotationSet(db: Db, sel: SetSelection): BuiltSet {
  const store = createExchangeStore(db);
  const now = (sel.now ?? new Date()).toISOString();

  const readerRows = store.readers();
  const readerByLower = new Map(readerRows.map((r) => [r.name.toLowerCase(), r.name]));
  const readers = new Set<string>();
  if (sel.readers === 'all') readerRows.forEach((r) => readers.add(r.name));
  else {
    for (const name of sel.readers) {
      const found = readerByLower.get(name.trim().toLowerCase());
      if (!found) {
        const known = readerRows.map((r) => r.name).join(', ') || 'none';
        throw new InvalidInputError(`no reader named "${name}" in this workspace (readers: ${known})`);
      }
      readers.add(found);
    }
  }
  const labelFilter = sel.labels ? new Set(sel.labels.map((l) => l.trim().toLowerCase())) : null;
  const wantLabel = (label: string): boolean => labelFilter === null || labelFilter.has(label.toLowerCase());
  const referenceKinds = new Set(
    sel.referenceKinds ??
      (labelFilter ? ['DVT', 'vein', 'mixing_artifact', 'lymph_node'] : DEFAULT_REFERENCE_KINDS).filter(
        wantLabel,
      ),
  );

  const runRows =
    sel.runs === 'none'
      ? []
      : sel.runs === 'all'
        ? store.doneRuns()
        : sel.runs.map((id) => {
            const run = store.run(id);
            if (!run) throw new InvalidInputError(`no run ${id} in this workspace`);
            if (run.status !== 'done')
              throw new InvalidInputError(`run ${id} is ${run.status}, not finished`);
            return run;
          });

  // Series in scope, in catalog order.
  let seriesUids: string[];
  if (sel.series) {
    seriesUids = [...new Set(sel.series)];
    for (const uid of seriesUids) {
      if (!store.series(uid)) throw new InvalidInputError(`no series ${uid} in this workspace`);
    }
  } else {
    const wanted = new Set<string>();
    for (const w of store.seriesWithWork()) if (readers.has(w.reader)) wanted.add(w.series_uid);
    if (sel.reference) store.seriesWithReference().forEach((uid) => wanted.add(uid));
    runRows.forEach((r) => wanted.add(r.series_uid));
    seriesUids = store.allSeries().filter((uid) => wanted.has(uid));
  }

  const p = sel.deidentify ? createPseudonyms(db) : null;
  const uid = (real: string): string => (p ? p.uid(real) : real);
  const patientOut = (real: string): string => (p ? p.patientId(real) : real);
  const readerOut = (name: string): string => (p && name !== REFERENCE_READER ? p.reader(name) : name);

  // The cross-validation split is the evaluation's (migration 005).
  const folds = createEvaluationStore(db);
  const foldAssignment = folds.foldAssignment() ?? null;
  const foldOf = new Map(folds.folds().map((f) => [f.patient_id, f.fold]));
  const patients = new Map<string, SetPatient>();
  const series: SetSeries[] = [];
  const boxes: SetBox[] = [];
  const cases: SetCase[] = [];
  const realSeriesUid = new Map<string, string>();
  const readersUsed = new Set<string>();
  let notesDropped = 0;

  const build = (): void => {
    for (const seriesUid of seriesUids) {
      const row = store.series(seriesUid) as ExportSeriesRow;
      const slices = store.slices(seriesUid);
      const outSeries = uid(seriesUid);
      realSeriesUid.set(outSeries, seriesUid);
      const patientId = patientOut(row.patient_id);
      if (!patients.has(patientId)) {
        patients.set(patientId, {
          id: patientId,
          name: p ? '' : row.patient_name,
          birthDate: p ? '' : row.birth_date,
          sex: p ? '' : row.sex,
          fold: foldOf.get(row.patient_id) ?? null,
        });
      }
      series.push({
        seriesInstanceUid: outSeries,
        studyInstanceUid: uid(row.study_uid),
        patientId,
        studyDate: p ? '' : row.study_date,
        studyTime: p ? '' : row.study_time,
        accessionNumber: p ? '' : row.accession,
        studyDescription: p ? '' : row.study_description,
        frameOfReferenceUid: row.frame_of_reference_uid === null ? null : uid(row.frame_of_reference_uid),
        sopClassUid: sopClassOf(slices[0]?.file_path, row.modality),
        modality: row.modality,
        description: p ? '' : row.description,
        rows: row.rows,
        cols: row.cols,
        pixelSpacingMm:
          row.row_spacing !== null && row.col_spacing !== null ? [row.row_spacing, row.col_spacing] : null,
        slices: slices.map((s) => ({ index: s.slice_index, sopInstanceUid: uid(s.sop_uid) })),
      });
      for (const b of store.boxesOfSeries(seriesUid)) {
        if (!readers.has(b.reader) || !wantLabel(b.label)) continue;
        readersUsed.add(b.reader);
        boxes.push({
          reader: readerOut(b.reader),
          seriesInstanceUid: outSeries,
          sopInstanceUid: uid(b.sop_uid),
          sliceIndex: b.slice_index,
          label: b.label,
          box: { space: 'dicom-pixel', x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 },
          createdAt: b.created_at,
          updatedAt: b.updated_at,
        });
      }
      if (sel.reference) {
        for (const b of seriesReference(db, seriesUid).boxes) {
          if (!referenceKinds.has(b.kind)) continue;
          readersUsed.add(REFERENCE_READER);
          boxes.push({
            reader: REFERENCE_READER,
            seriesInstanceUid: outSeries,
            sopInstanceUid: uid(b.sopInstanceUid),
            sliceIndex: b.sliceIndex,
            label: b.kind,
            box: b.box,
            createdAt: now,
            updatedAt: now,
          });
        }
      }
      for (const c of store.casesOfSeries(seriesUid)) {
        if (!readers.has(c.reader)) continue;
        readersUsed.add(c.reader);
        if (p && c.note !== '') notesDropped++;
        cases.push({
          reader: readerOut(c.reader),
          seriesInstanceUid: outSeries,
          status: c.status as SetCase['status'],
          call: c.patient_call as SetCase['call'],
          note: p ? '' : c.note,
          updatedAt: c.updated_at,
        });
      }
    }
  };
  // Pseudonyms are numbered inside one transaction (two exports at once cannot take the same number).
  if (p) db.transaction(build).immediate();
  else build();

  const inScope = new Set(seriesUids);
  const runs: SetRun[] = runRows
    .filter((r) => inScope.has(r.series_uid))
    .map((r) => ({
      model: { name: r.model_name, sha256: r.model_sha256 },
      seriesInstanceUid: uid(r.series_uid),
      status: 'done',
      providerUsed: r.provider_used,
      params: JSON.parse(r.params_json) as Record<string, unknown>,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      predictions: store.predictions(r.id).map((q) => ({
        sopInstanceUid: uid(q.sop_uid),
        sliceIndex: q.slice_index,
        label: q.label,
        score: q.score,
        box: { space: 'dicom-pixel', x1: q.x1, y1: q.y1, x2: q.x2, y2: q.y2 },
      })),
    }));

  const labels = [...store.labels().filter(wantLabel)];
  const seen = new Set(labels.map((l) => l.toLowerCase()));
  for (const b of boxes) {
    if (!seen.has(b.label.toLowerCase())) {
      seen.add(b.label.toLowerCase());
      labels.push(b.label);
    }
  }
  if (labels.length === 0) throw new InvalidInputError('no label is left to export (check --labels)');

  const set: AnnotationSet = {
    format: ANNOTATION_SET_FORMAT,
    version: ANNOTATION_SET_VERSION,
    exportedAt: now,
    generator: GENERATOR,
    deidentified: sel.deidentify,
    labels,
    readers: [...readers, ...(readersUsed.has(REFERENCE_READER) ? [REFERENCE_READER] : [])]
      .filter((r) => readersUsed.has(r) || sel.readers !== 'all')
      .map((name) => ({ name: readerOut(name) })),
    folds: foldAssignment ? { k: foldAssignment.k, seed: foldAssignment.seed } : null,
    patients: [...patients.values()],
    series,
    boxes,
    cases,
    ...(sel.runs === 'none' ? {} : { runs }),
  };
  return { set, realSeriesUid, notesDropped };
}
