import { z } from 'zod';
import { SeriesUid, SopInstanceUid } from '../ids';
import { DicomPixelBox } from '../reference/schemas';

/**
 * Where an annotation box lies — the one place this convention is written down.
 *
 * - `box` ({ space: 'dicom-pixel', x1, y1, x2, y2 }) is in continuous DICOM pixel coordinates of the original
 *   slice: x along columns, y along rows, origin at the top-left corner of the first pixel. Pixel (row r,
 *   column c) covers [c, c + 1) × [r, r + 1) and its centre is (c + 0.5, r + 0.5). A box has x2 > x1 and
 *   y2 > y1 and lies inside [0, cols] × [0, rows] of its series (edges included). Nothing is rounded: a box
 *   may start mid-pixel.
 * - The slice is named by its SOP instance UID (`sopInstanceUid`, what is stored) and, for convenience, its
 *   index in anatomical order (`sliceIndex`, 0 = most cranial, as in SeriesDetail.slices). The index is read
 *   from the catalog, not stored, so a series re-ordered on re-import keeps its boxes on their slices.
 *
 * To patient millimetres: `pixelToPatient` in shared/imaging/geometry.ts. Box helpers (normalising a drag,
 * clamping, interpolating between slices, picking one slice's boxes): shared/annotation/geometry.ts.
 */
export { DicomPixelBox };

/** Row id of an annotation box. Boxes are soft-deleted, so an id stays valid for undo (restore). */
export const BoxId = z.number().int().positive().brand<'BoxId'>();
export type BoxId = z.infer<typeof BoxId>;
export const ReaderId = z.number().int().positive().brand<'ReaderId'>();
export type ReaderId = z.infer<typeof ReaderId>;

// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const noControl = /^[^\u0000-\u001f\u007f]*$/;

/** A reader's name; names are unique ignoring case ('Dr Lee' and 'dr lee' are one reader). */
export const ReaderName = z.string().trim().min(1).max(100).regex(noControl, 'no control characters');
export const Reader = z.object({ id: ReaderId, name: z.string() });
export type Reader = z.infer<typeof Reader>;

export const Label = z.string().trim().min(1).max(64).regex(noControl, 'no control characters');
export type Label = z.infer<typeof Label>;
/** The workspace's label list, in display order: at least one label, unique ignoring case. */
export const LabelList = z
  .array(Label)
  .min(1)
  .max(100)
  .refine(
    (labels) => new Set(labels.map((l) => l.toLowerCase())).size === labels.length,
    'labels must be unique (ignoring case)',
  );
export const DEFAULT_LABELS: readonly string[] = ['DVT'];

export const AnnotationBox = z.object({
  id: BoxId,
  seriesUid: SeriesUid,
  sopInstanceUid: SopInstanceUid,
  sliceIndex: z.number().int().nonnegative(),
  readerId: ReaderId,
  label: z.string(),
  box: DicomPixelBox,
  /** ISO 8601 times (UTC). */
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AnnotationBox = z.infer<typeof AnnotationBox>;

export const CaseStatus = z.enum(['not-started', 'in-progress', 'done', 'flagged']);
export type CaseStatus = z.infer<typeof CaseStatus>;
/** The reader's patient-level call: DVT present, absent, or unsure. */
export const CaseCall = z.enum(['present', 'absent', 'unsure']);
export type CaseCall = z.infer<typeof CaseCall>;
export const CaseNote = z.string().max(10_000);

/** One reader's state of one case (series). `updatedAt` is null until anything was written. */
export const CaseState = z.object({
  seriesUid: SeriesUid,
  readerId: ReaderId,
  status: CaseStatus,
  call: CaseCall.nullable(),
  note: z.string(),
  updatedAt: z.string().nullable(),
});
export type CaseState = z.infer<typeof CaseState>;

/** A row of the case list: one series, with every reader's status and live box count. */
export const CaseProgress = z.object({
  seriesUid: SeriesUid,
  patientId: z.string(),
  patientName: z.string(),
  description: z.string(),
  slices: z.number().int().nonnegative(),
  readers: z.array(
    z.object({ readerId: ReaderId, status: CaseStatus, boxes: z.number().int().nonnegative() }),
  ),
});
export type CaseProgress = z.infer<typeof CaseProgress>;

/** What a box was at one moment (sliceIndex as it was then). */
export const BoxSnapshot = z.object({
  label: z.string(),
  box: DicomPixelBox,
  sliceIndex: z.number().int().nonnegative(),
  sopInstanceUid: SopInstanceUid,
});
export type BoxSnapshot = z.infer<typeof BoxSnapshot>;

export const BoxAction = z.enum(['create', 'update', 'delete', 'restore']);
export type BoxAction = z.infer<typeof BoxAction>;

/** One edit of a box: who, when, and the box before and after (null before a create, after a delete). */
export const BoxHistoryEntry = z.object({
  at: z.string(),
  readerId: ReaderId,
  action: BoxAction,
  before: BoxSnapshot.nullable(),
  after: BoxSnapshot.nullable(),
});
export type BoxHistoryEntry = z.infer<typeof BoxHistoryEntry>;

/** Most boxes one create, delete or restore call takes (interpolation over a long thrombus fits easily). */
export const MAX_BOXES_PER_CALL = 2000;

export const NewBox = z.object({ sopInstanceUid: SopInstanceUid, label: Label, box: DicomPixelBox }).strict();
export type NewBox = z.infer<typeof NewBox>;
const BoxIds = z.array(BoxId).min(1).max(MAX_BOXES_PER_CALL);

// Channel inputs, used by the IPC contract (shared/ipc/contract.ts).
export const annotationInputs = {
  readersAdd: z.object({ name: ReaderName }).strict(),
  labelsSet: z.object({ labels: LabelList }).strict(),
  list: z.object({ seriesUid: SeriesUid }).strict(),
  create: z
    .object({
      seriesUid: SeriesUid,
      readerId: ReaderId,
      boxes: z.array(NewBox).min(1).max(MAX_BOXES_PER_CALL),
    })
    .strict(),
  update: z
    .object({
      readerId: ReaderId,
      id: BoxId,
      label: Label.optional(),
      box: DicomPixelBox.optional(),
      sopInstanceUid: SopInstanceUid.optional(),
    })
    .strict()
    .refine(
      (u) => u.label !== undefined || u.box !== undefined || u.sopInstanceUid !== undefined,
      'an update changes at least one of label, box, sopInstanceUid',
    ),
  delete: z.object({ readerId: ReaderId, ids: BoxIds }).strict(),
  restore: z.object({ readerId: ReaderId, ids: BoxIds }).strict(),
  history: z.object({ id: BoxId }).strict(),
  caseGet: z.object({ seriesUid: SeriesUid, readerId: ReaderId }).strict(),
  caseSet: z
    .object({
      seriesUid: SeriesUid,
      readerId: ReaderId,
      status: CaseStatus.optional(),
      call: CaseCall.nullable().optional(),
      note: CaseNote.optional(),
    })
    .strict()
    .refine(
      (s) => s.status !== undefined || s.call !== undefined || s.note !== undefined,
      'a case update sets at least one of status, call, note',
    ),
};
export type BoxUpdate = z.infer<typeof annotationInputs.update>;
export type CaseUpdate = z.infer<typeof annotationInputs.caseSet>;
