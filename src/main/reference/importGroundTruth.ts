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
  const slice = db.prepare<[string, string], { slice_index: number | null; rows: number; cols: number }>(
    `SELECT i.slice_index, s.rows, s.cols FROM instances i JOIN series s ON s.series_uid = i.series_uid
      WHERE i.sop_uid = ? AND i.series_uid = ?`,
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
  // Checked inside the transaction so that two imports of the same file store it once.
  return db
    .transaction((): GroundTruthImport => {
      if (existing.get(file, hash)) {
        const count = parsed.data.patients.reduce(
          (n, p) => n + p.slices.reduce((m, s) => m + s.boxes.length + s.mimics.length, 0),
          0,
        );
        return { patients, boxes: count, added: false };
      }
      const setRef = Number(insertSet.run('phantom', file, hash, new Date().toISOString()).lastInsertRowid);
      for (const p of parsed.data.patients) {
        insertPatient.run(setRef, p.patientId, p.seriesInstanceUid, p.hasDvt ? 1 : 0);
        for (const s of p.slices) {
          const at = slice.get(s.sopInstanceUid, p.seriesInstanceUid);
          if (!at)
            throw new Error(`${file}: slice ${s.sopInstanceUid} of ${p.patientId} is not in the catalog`);
          // The truth's slice order must be ours: a mismatch would put every box on the wrong slice.
          if (at.slice_index !== s.index) {
            throw new Error(
              `${file}: ${p.patientId} slice ${s.sopInstanceUid} is number ${s.index} in the ground truth but ${at.slice_index ?? '?'} in the catalog`,
            );
          }
          const all = [
            ...s.boxes.map((b) => ({ kind: b.label, box: b.box })),
            ...s.mimics.map((m) => ({ kind: m.kind, box: m.box })),
          ];
          for (const { kind, box } of all) {
            const [x1, y1, x2, y2] = box;
            if (x1 < 0 || y1 < 0 || x2 > at.cols || y2 > at.rows) {
              throw new Error(
                `${file}: a ${kind} box of ${p.patientId} slice ${s.index} lies outside the ${at.cols}×${at.rows} image`,
              );
            }
            insertBox.run(setRef, p.seriesInstanceUid, s.sopInstanceUid, kind, ...box);
            boxes++;
          }
        }
      }
      return { patients, boxes, added: true };
    })
    .immediate();
}
