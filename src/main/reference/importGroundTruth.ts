import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { groundTruthSchema } from '../../shared/phantom/groundTruth';
import type { Db } from '../db/database';

export interface GroundTruthImport {
  patients: number;
  boxes: number;
  /** False when this exact file was imported before (nothing new is stored). */
  added: boolean;
}

/** The phantom writes its truth under this name beside the patient folders. */
export const GROUND_TRUTH_FILE_NAME = 'ground-truth.json';

/**
 * Stores a phantom cohort's ground-truth JSON as reference truth, in one transaction. Every slice
 * it names must already be in the catalog (import the DICOM files first), else nothing is stored.
 */
export async function importGroundTruth(db: Db, file: string): Promise<GroundTruthImport> {
  let json: unknown;
  let hash: string;
  try {
    const text = await readFile(file, 'utf8');
    hash = createHash('sha256').update(text).digest('hex');
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const parsed = groundTruthSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${file}: not a ground-truth file (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
    );
  }
  const known = db.prepare<[string, string], { n: number }>(
    'SELECT count(*) AS n FROM instances WHERE sop_uid = ? AND series_uid = ?',
  );
  const existing = db.prepare<[string, string], { id: number }>(
    'SELECT id FROM reference_sets WHERE file_path = ? AND content_hash = ?',
  );
  const insertSet = db.prepare<[string, string, string, string]>(
    'INSERT INTO reference_sets (source, file_path, content_hash, imported_at) VALUES (?, ?, ?, ?)',
  );
  const insertPatient = db.prepare<[number, string, string, number]>(
    'INSERT INTO reference_patients (set_ref, patient_id, series_uid, has_dvt) VALUES (?, ?, ?, ?)',
  );
  const insertBox = db.prepare<[number, string, string, string, number, number, number, number]>(
    'INSERT INTO reference_boxes (set_ref, series_uid, sop_uid, kind, x1, y1, x2, y2) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let boxes = 0;
  const patients = parsed.data.patients.length;
  if (existing.get(file, hash)) {
    const count = parsed.data.patients.reduce(
      (n, p) => n + p.slices.reduce((m, s) => m + s.boxes.length + s.mimics.length, 0),
      0,
    );
    return { patients, boxes: count, added: false };
  }
  db.transaction(() => {
    const setRef = Number(insertSet.run('phantom', file, hash, new Date().toISOString()).lastInsertRowid);
    for (const p of parsed.data.patients) {
      insertPatient.run(setRef, p.patientId, p.seriesInstanceUid, p.hasDvt ? 1 : 0);
      for (const s of p.slices) {
        if ((known.get(s.sopInstanceUid, p.seriesInstanceUid)?.n ?? 0) === 0) {
          throw new Error(`${file}: slice ${s.sopInstanceUid} of ${p.patientId} is not in the catalog`);
        }
        const all = [
          ...s.boxes.map((b) => ({ kind: b.label, box: b.box })),
          ...s.mimics.map((m) => ({ kind: m.kind, box: m.box })),
        ];
        for (const { kind, box } of all) {
          insertBox.run(setRef, p.seriesInstanceUid, s.sopInstanceUid, kind, ...box);
          boxes++;
        }
      }
    }
  })();
  return { patients, boxes, added: true };
}
