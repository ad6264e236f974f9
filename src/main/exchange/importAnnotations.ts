// Storing an ImportBatch: every slice it names is found in the catalog (directly, or through this
// workspace's de-identification pseudonyms), every box checked against its image and its reader's case
// lock, models of runs must be registered — and then all of it is written in one transaction, or, at
// the first problem list, nothing. Boxes already present (same reader, slice, label and coordinates)
// are not added twice, so importing the same file again changes nothing.
import { ReaderName } from '../../shared/annotation/schemas';
import type { ImportReport } from '../../shared/exchange/exchangeSchemas';
import type { ImportBatch } from '../../shared/exchange/importBatch';
import { ExecutionProvider, RunParams } from '../../shared/inference/schemas';
import type { Db } from '../db/database';
import { boxProblem } from '../annotation/rules';
import { InvalidInputError } from '../services/errors';
import { zodPlace } from '../../shared/exchange/zodPlace';
import { createEvaluationStore } from '../evaluation/evaluationStore';
import { createImportStore } from './importStore';
import { originalOf } from './pseudonyms';

export interface ImportOptions {
  /** Stores every box under this reader (created when new), whatever reader the file names. */
  reader?: string;
  now?: Date;
}

export type { ImportReport };

/** Problems are listed in full up to this many; the rest are counted. */
const LISTED_PROBLEMS = 20;
const SAME_COORDINATE = 1e-9;

export function importAnnotations(db: Db, batch: ImportBatch, options: ImportOptions = {}): ImportReport {
  const store = createImportStore(db);
  const at = (options.now ?? new Date()).toISOString();
  const problems: string[] = [];
  const problem = (place: string, message: string): void => {
    problems.push(`${place}: ${message}`);
  };

  const override = options.reader === undefined ? undefined : ReaderName.safeParse(options.reader);
  if (override && !override.success) throw new InvalidInputError(`reader: ${zodPlace(override.error)}`);

  /** A slice the file names, as this workspace's instance (a pseudonym maps back to its original). */
  const sliceOf = (sop: string) => store.instance(sop) ?? store.instance(originalOf(db, 'uid', sop) ?? '');
  const seriesOf = (uid: string): string | undefined =>
    store.seriesExists(uid)
      ? uid
      : (() => {
          const original = originalOf(db, 'uid', uid);
          return original !== undefined && store.seriesExists(original) ? original : undefined;
        })();
  const patientOf = (id: string): string | undefined =>
    store.patientExists(id) ? id : originalOf(db, 'patient', id);

  return store.write((): ImportReport => {
    const report: ImportReport = {
      file: batch.source,
      format: batch.format,
      readers: [],
      labelsAdded: [],
      boxes: { added: 0, alreadyPresent: 0 },
      cases: { written: 0, keptNewer: 0 },
      folds: 'none',
      runs: { added: 0, alreadyPresent: 0, predictions: 0 },
    };

    // Readers: the override, else the file's (a pseudonym of this workspace maps back to its reader).
    const readerIds = new Map<string, number>();
    const readerId = (fileName: string | null, place: string): number | undefined => {
      let name = override?.success ? override.data : fileName;
      if (name === null) {
        problem(place, 'the file names no reader; give one (--reader NAME)');
        return undefined;
      }
      name = override?.success ? name : (originalOf(db, 'reader', name) ?? name);
      const key = name.toLowerCase();
      const known = readerIds.get(key);
      if (known !== undefined) return known;
      const valid = ReaderName.safeParse(name);
      if (!valid.success) {
        problem(place, `reader "${name}": ${zodPlace(valid.error)}`);
        return undefined;
      }
      const found = store.readerNamed(valid.data);
      const id = found ? found.id : store.insertReader(valid.data, at);
      report.readers.push({ name: found ? found.name : valid.data, created: !found });
      readerIds.set(key, id);
      return id;
    };

    // Labels: the workspace's spelling of a label it has (ignoring case); new ones are appended.
    const labelRows = store.labels();
    const labelSpelling = new Map(labelRows.map((l) => [l.label.toLowerCase(), l.label]));
    let nextPosition = labelRows.reduce((m, l) => Math.max(m, l.position + 1), 0);
    const labelOf = (label: string): string => {
      const known = labelSpelling.get(label.toLowerCase());
      if (known !== undefined) return known;
      store.insertLabel(label, nextPosition++);
      labelSpelling.set(label.toLowerCase(), label);
      report.labelsAdded.push(label);
      return label;
    };

    const touchedCases = new Map<string, { series: string; readerId: number }>();
    for (const b of batch.boxes) {
      const slice = sliceOf(b.sopInstanceUid);
      if (!slice) {
        problem(b.place, `slice ${b.sopInstanceUid} is not in this workspace`);
        continue;
      }
      if (b.seriesInstanceUid !== null && seriesOf(b.seriesInstanceUid) !== slice.series_uid) {
        problem(b.place, `slice ${b.sopInstanceUid} is not in series ${b.seriesInstanceUid}`);
        continue;
      }
      const boxIssue = boxProblem(b.box, { rows: slice.rows, cols: slice.cols });
      if (boxIssue) {
        problem(b.place, boxIssue);
        continue;
      }
      const rid = readerId(b.reader, b.place);
      if (rid === undefined) continue;
      const label = labelOf(b.label);
      const same = store
        .liveBoxesOn(rid, slice.sop_uid)
        .some(
          (e) =>
            e.label.toLowerCase() === label.toLowerCase() &&
            Math.abs(e.x1 - b.box.x1) <= SAME_COORDINATE &&
            Math.abs(e.y1 - b.box.y1) <= SAME_COORDINATE &&
            Math.abs(e.x2 - b.box.x2) <= SAME_COORDINATE &&
            Math.abs(e.y2 - b.box.y2) <= SAME_COORDINATE,
        );
      if (same) {
        report.boxes.alreadyPresent++;
        continue;
      }
      const caseKey = `${slice.series_uid}\u0000${rid}`;
      if (!touchedCases.has(caseKey)) {
        if (store.caseState(slice.series_uid, rid)?.status === 'done') {
          problem(
            b.place,
            `the reader's case (series ${slice.series_uid}) is done; reopen it to import boxes into it`,
          );
          continue;
        }
        touchedCases.set(caseKey, { series: slice.series_uid, readerId: rid });
      }
      const coords = { x1: b.box.x1, y1: b.box.y1, x2: b.box.x2, y2: b.box.y2 };
      const id = store.insertBox({
        series_uid: slice.series_uid,
        sop_uid: slice.sop_uid,
        reader_id: rid,
        label,
        ...coords,
        created_at: b.createdAt ?? at,
        updated_at: b.updatedAt ?? at,
      });
      store.insertHistory(
        id,
        at,
        rid,
        JSON.stringify({
          label,
          box: { space: 'dicom-pixel', ...coords },
          sliceIndex: slice.slice_index,
          sopInstanceUid: slice.sop_uid,
        }),
      );
      report.boxes.added++;
    }
    // A case that got boxes and was not started is now in progress, as after a box drawn by hand.
    for (const { series, readerId: rid } of touchedCases.values()) {
      const state = store.caseState(series, rid);
      if (!state || state.status === 'not-started') {
        store.upsertCase(series, rid, 'in-progress', state?.patient_call ?? null, state?.note ?? '', at);
      }
    }

    for (const c of batch.cases) {
      const series = seriesOf(c.seriesInstanceUid);
      if (!series) {
        problem(c.place, `series ${c.seriesInstanceUid} is not in this workspace`);
        continue;
      }
      const rid = readerId(c.reader, c.place);
      if (rid === undefined) continue;
      const stored = store.caseState(series, rid);
      const fileTime = c.updatedAt ?? '';
      // The later of the two wins; a case state written by this import's boxes above is older than any file's.
      if (stored && stored.updated_at !== at && stored.updated_at > fileTime) {
        report.cases.keptNewer++;
        continue;
      }
      store.upsertCase(series, rid, c.status, c.call, c.note, c.updatedAt ?? at);
      report.cases.written++;
    }

    if (batch.folds) {
      const folds = new Map<string, number>();
      for (const f of batch.folds.patients) {
        const patient = patientOf(f.patientId);
        if (patient === undefined) problem(f.place, `patient ${f.patientId} is not in this workspace`);
        else if (f.fold >= batch.folds.k)
          problem(f.place, `fold ${f.fold} is not below k = ${batch.folds.k}`);
        else folds.set(patient, f.fold);
      }
      const foldStore = createEvaluationStore(db);
      const stored = foldStore.foldAssignment();
      if (stored === undefined) {
        if (folds.size > 0) {
          foldStore.replaceFolds(batch.folds.k, batch.folds.seed, folds, at);
          report.folds = 'stored';
        }
      } else {
        report.folds =
          stored.k === batch.folds.k && stored.seed === batch.folds.seed ? 'same' : 'kept-existing';
      }
    }

    for (const r of batch.runs) {
      const series = seriesOf(r.seriesInstanceUid);
      if (!series) {
        problem(r.place, `series ${r.seriesInstanceUid} is not in this workspace`);
        continue;
      }
      const model = store.modelBySha(r.model.sha256);
      if (!model) {
        problem(
          r.place,
          `model "${r.model.name}" (sha256 ${r.model.sha256.slice(0, 12)}…) is not registered here; add its ONNX file first (dvt model add)`,
        );
        continue;
      }
      const params = RunParams.safeParse(r.params);
      if (!params.success) {
        problem(`${r.place}.params`, zodPlace(params.error));
        continue;
      }
      if (store.sameRun(r.model.sha256, series, r.startedAt)) {
        report.runs.alreadyPresent++;
        continue;
      }
      const provider = ExecutionProvider.safeParse(r.providerUsed);
      const runId = store.insertRun({
        model_id: model.id,
        model_name: r.model.name,
        model_sha256: r.model.sha256,
        series_uid: series,
        provider_used: provider.success ? provider.data : null,
        provider_notes: JSON.stringify(
          provider.success ? [] : [`imported run; it ran on ${r.providerUsed ?? 'an unstated provider'}`],
        ),
        params_json: JSON.stringify(params.data),
        slice_count: store.sliceCount(series),
        started_at: r.startedAt,
        finished_at: r.finishedAt,
      });
      r.predictions.forEach((p, i) => {
        const slice = sliceOf(p.sopInstanceUid);
        if (!slice || slice.series_uid !== series) {
          problem(`${r.place}.predictions[${i}]`, `slice ${p.sopInstanceUid} is not in the run's series`);
          return;
        }
        const issue = boxProblem(p.box, { rows: slice.rows, cols: slice.cols });
        if (issue) {
          problem(`${r.place}.predictions[${i}]`, issue);
          return;
        }
        store.insertPrediction(runId, slice.sop_uid, slice.slice_index, p);
        report.runs.predictions++;
      });
      report.runs.added++;
    }

    if (problems.length > 0) {
      const listed = problems.slice(0, LISTED_PROBLEMS).map((p) => `  ${batch.source}: ${p}`);
      const more =
        problems.length > LISTED_PROBLEMS ? [`  … and ${problems.length - LISTED_PROBLEMS} more`] : [];
      // Thrown inside the transaction: nothing of this file is stored.
      throw new InvalidInputError(
        [
          `${batch.source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was imported`,
          ...listed,
          ...more,
        ].join('\n'),
      );
    }
    return report;
  });
}
