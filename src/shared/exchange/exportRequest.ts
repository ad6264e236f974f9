// What an export is asked to do, shared by the CLI (`dvt export`) and the export dialog (IPC). Main
// checks it against the workspace (readers, series, runs exist) before anything is written.
import { z } from 'zod';
import { PatchEncoding, PatchInput } from './patchManifest';

export const ExportFormat = z.enum(['native', 'coco', 'csv', 'voc', 'sr', 'patches']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** Formats that hold one reader's boxes (the others take several). */
export const SINGLE_READER_FORMATS: readonly ExportFormat[] = ['csv', 'voc', 'patches'];

export const ExportRequest = z
  .object({
    format: ExportFormat,
    /** The folder to create; it must not exist yet, or be empty. */
    outDir: z.string().min(1).max(4096),
    /** Readers (names, ignoring case) whose boxes are exported, or every reader. */
    readers: z.union([z.literal('all'), z.array(z.string().trim().min(1).max(100)).max(100)]).default('all'),
    /** Adds the reference truth of generated cohorts as the reader "reference". */
    reference: z.boolean().default(false),
    labels: z.array(z.string().trim().min(1).max(64)).min(1).max(100).optional(),
    series: z.array(z.string().min(1).max(64)).min(1).max(100_000).optional(),
    /** Runs with predictions (native only). */
    runs: z
      .union([z.enum(['none', 'all']), z.array(z.number().int().positive()).min(1).max(100_000)])
      .default('none'),
    /** PS3.15 basic-profile de-identification with stable pseudonyms: on unless turned off. */
    deidentify: z.boolean().default(true),
    /** Whole-slice formats: every slice of the exported series, or only slices with boxes. */
    slices: z.enum(['all', 'annotated']).default('all'),
    /** Whole-slice images: windowed grey, or the 3-slice synthesized RGB (z−1, z, z+1). */
    imageInput: PatchInput.default('3slice'),
    /** Patch sets. */
    patchInputs: z.array(PatchInput).min(1).max(2).default(['1slice', '3slice']),
    patchEncoding: PatchEncoding.default('png'),
    /** The paper's patches are randomly placed around the veins: shift each by up to this many pixels. */
    patchJitter: z.number().int().min(0).max(64).default(32),
    /** Patches around veins without a target on every n-th slice only (targets: every slice). */
    patchVeinEvery: z.number().int().min(1).max(100).default(1),
    /** Patch sets use the workspace's folds; without any, patients are split into k folds with this seed. */
    foldK: z.number().int().min(2).max(20).default(5),
    foldSeed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
  })
  .strict();
export type ExportRequest = z.infer<typeof ExportRequest>;
export type ExportRequestInput = z.input<typeof ExportRequest>;

export type { ExportResult } from './exportResult';
