// The native annotation set in and out: JSON text of an AnnotationSet, and a file of any known version
// read into an ImportBatch (boxes, case states, folds and runs, each with the place it was read from).
import { AnnotationSet, migrateAnnotationSet } from './annotationSet';
import type { ImportBatch } from './importBatch';
import { zodPlace } from './zodPlace';

export function writeNative(set: AnnotationSet): string {
  return JSON.stringify(set, null, 1) + '\n';
}

export function readNative(json: unknown, file: string): { set: AnnotationSet; batch: ImportBatch } {
  let migrated: unknown;
  try {
    migrated = migrateAnnotationSet(json);
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const parsed = AnnotationSet.safeParse(migrated);
  if (!parsed.success) throw new Error(`${file}: ${zodPlace(parsed.error)}`);
  const set = parsed.data;
  const batch: ImportBatch = {
    format: 'native',
    source: file,
    labels: set.labels,
    boxes: set.boxes.map((b, i) => ({
      place: `boxes[${i}]`,
      reader: b.reader,
      sopInstanceUid: b.sopInstanceUid,
      seriesInstanceUid: b.seriesInstanceUid,
      label: b.label,
      box: b.box,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
    })),
    cases: set.cases.map((c, i) => ({ ...c, place: `cases[${i}]` })),
    folds: set.folds
      ? {
          ...set.folds,
          patients: set.patients.flatMap((p, i) =>
            p.fold === null ? [] : [{ patientId: p.id, fold: p.fold, place: `patients[${i}]` }],
          ),
        }
      : null,
    runs: (set.runs ?? []).map((r, i) => ({ ...r, place: `runs[${i}]` })),
  };
  return { set, batch };
}
