// What an import file says, before it is checked against the workspace: every importer (native JSON,
// COCO, keras-retinanet CSV, Pascal VOC, DICOM SR) turns its file into one ImportBatch, and one
// service resolves the slices and stores it in one transaction (or refuses all of it).
import type { DicomPixelBox } from '../reference/schemas';
import type { SetCase, SetRun } from './annotationSet';

export type ImportFormat = 'native' | 'coco' | 'csv' | 'voc' | 'sr';

export interface ImportBox {
  /** Where in the file the box was read, for messages ("annotations[12]", "line 14", "content item 3.2"). */
  place: string;
  /** The reader the file names for this box, or null when it names none (the caller's reader is used). */
  reader: string | null;
  /** The slice as the file names it (a real or pseudonymous SOP instance UID). */
  sopInstanceUid: string;
  /** The series, when the file names it (checked against the slice's series). */
  seriesInstanceUid: string | null;
  label: string;
  box: DicomPixelBox;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface ImportBatch {
  format: ImportFormat;
  /** The file read (or the folder, for Pascal VOC). */
  source: string;
  /** Labels the file declares (added to the workspace's list when missing), in its order. */
  labels: string[];
  boxes: ImportBox[];
  /** Case states (native only). */
  cases: (SetCase & { place: string })[];
  /** Fold assignment by patient ID as the file names it (native only). */
  folds: { k: number; seed: number; patients: { patientId: string; fold: number; place: string }[] } | null;
  /** Model runs with predictions (native only). */
  runs: (SetRun & { place: string })[];
}
