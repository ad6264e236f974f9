import { z } from 'zod';

// DICOM UIDs: up to 64 characters of digits and dots (PS3.5 9.1). Branded so a series UID
// cannot be passed where a study UID is expected.
const uid = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9.]+$/, 'a DICOM UID is digits and dots');

export const StudyUid = uid.brand<'StudyUid'>();
export type StudyUid = z.infer<typeof StudyUid>;
export const SeriesUid = uid.brand<'SeriesUid'>();
export type SeriesUid = z.infer<typeof SeriesUid>;
export const SopInstanceUid = uid.brand<'SopInstanceUid'>();
export type SopInstanceUid = z.infer<typeof SopInstanceUid>;

/** Row id of a patient in the workspace catalog (patients have no UID of their own). */
export const PatientKey = z.number().int().positive().brand<'PatientKey'>();
export type PatientKey = z.infer<typeof PatientKey>;

/** Row id of a registered model in a workspace. */
export const ModelId = z.number().int().positive().brand<'ModelId'>();
export type ModelId = z.infer<typeof ModelId>;

/** Row id of one model's run on one series. */
export const RunId = z.number().int().positive().brand<'RunId'>();
export type RunId = z.infer<typeof RunId>;

/** A queued inference job (one model × one series); lives as long as the process. */
export const JobId = z.number().int().positive().brand<'JobId'>();
export type JobId = z.infer<typeof JobId>;

/** An export running or finished in this process (ids start at 1 each run of the app). */
export const ExportJobId = z.number().int().positive().brand<'ExportJobId'>();
export type ExportJobId = z.infer<typeof ExportJobId>;
