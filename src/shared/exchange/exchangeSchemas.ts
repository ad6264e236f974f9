// What the export dialog and the CLI get back: an export job's progress and result, and an import's
// report. Zod schemas so the IPC contract can carry them.
import { z } from 'zod';
import { ExportJobId } from '../ids';
import { ExportFormat } from './exportRequest';

export const ExportResultSchema = z.object({
  format: ExportFormat,
  outDir: z.string(),
  deidentified: z.boolean(),
  files: z.number().int(),
  bytes: z.number().int(),
  series: z.number().int(),
  patients: z.number().int(),
  boxes: z.number().int(),
  images: z.number().int().optional(),
  patches: z.number().int().optional(),
  runs: z.number().int().optional(),
  notesDropped: z.number().int(),
});

export const ExportPhase = z.enum(['queued', 'collecting', 'writing', 'finishing']);
export type ExportPhase = z.infer<typeof ExportPhase>;

export const ExportJob = z.object({
  id: ExportJobId,
  format: ExportFormat,
  outDir: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  phase: ExportPhase,
  done: z.number().int(),
  total: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  result: ExportResultSchema.nullable(),
  error: z.string().nullable(),
});
export type ExportJob = z.infer<typeof ExportJob>;

export const ImportReportSchema = z.object({
  file: z.string(),
  format: z.enum(['native', 'coco', 'csv', 'voc', 'sr']),
  readers: z.array(z.object({ name: z.string(), created: z.boolean() })),
  labelsAdded: z.array(z.string()),
  boxes: z.object({ added: z.number().int(), alreadyPresent: z.number().int() }),
  cases: z.object({ written: z.number().int(), keptNewer: z.number().int() }),
  folds: z.enum(['none', 'stored', 'same', 'kept-existing']),
  runs: z.object({
    added: z.number().int(),
    alreadyPresent: z.number().int(),
    predictions: z.number().int(),
  }),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;
