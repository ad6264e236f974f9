import { z } from 'zod';
import { CatalogTree, ImportReport, SeriesDetail, SliceData } from '../catalog/schemas';
import { SeriesReference } from '../reference/schemas';
import {
  AnnotationBox,
  BoxHistoryEntry,
  BoxId,
  CaseProgress,
  CaseState,
  Reader,
  ReaderId,
  ReaderName,
  annotationInputs as annotation,
} from '../annotation/schemas';
import { EvaluationDataset, FoldAssignment, MAX_FOLDS } from '../evaluation/dataset';
import { ExportJobId, JobId, ModelId, RunId, SeriesUid } from '../ids';
import { ExportJob, ImportReportSchema } from '../exchange/exchangeSchemas';
import { ExportFormat, ExportRequest } from '../exchange/exportRequest';
import { Job, ModelSummary, Prediction, RunParams, RunSummary } from '../inference/schemas';
import {
  AutoRun,
  BoxProvenance,
  DecisionId,
  ReaderComparison,
  ReadingTime,
  Suggestion,
  SuggestionDecision,
  Worklist,
  readingInputs as reading,
} from '../reading/schemas';

/** A POSIX (/…) or Windows (C:\…, \\server\…) absolute path. */
const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'an absolute path');

export const WorkspaceInfo = z.object({
  path: z.string(),
  /** True for the demo workspace the app creates on first start. */
  demo: z.boolean(),
  /** True when the workspace holds generated (phantom) data rather than patient data. */
  synthetic: z.boolean(),
  counts: z.object({
    patients: z.number().int().nonnegative(),
    studies: z.number().int().nonnegative(),
    series: z.number().int().nonnegative(),
    instances: z.number().int().nonnegative(),
  }),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

/**
 * The one IPC contract between renderer and main. Channel names are `domain:verb`; each has an
 * input schema that main validates before acting and an output schema for the value of the result.
 * Electron IPC, the browser harness and tests all go through this table.
 */
export const contract = {
  'workspace:info': { input: z.object({}).strict(), output: WorkspaceInfo },
  'catalog:tree': { input: z.object({}).strict(), output: CatalogTree },
  'catalog:import': {
    // Absolute paths only: main's working directory means nothing to the renderer.
    input: z.object({ paths: z.array(AbsolutePath).min(1).max(1000) }).strict(),
    output: ImportReport,
  },
  'series:detail': { input: z.object({ seriesUid: SeriesUid }).strict(), output: SeriesDetail },
  'series:slice': {
    input: z.object({ seriesUid: SeriesUid, index: z.number().int().nonnegative() }).strict(),
    output: SliceData,
  },
  /** Known truth of generated (phantom) series: thrombi, veins and mimics per slice. */
  'series:reference': { input: z.object({ seriesUid: SeriesUid }).strict(), output: SeriesReference },
  // Ground-truth annotation (boxes in the coordinates documented in shared/annotation/schemas.ts).
  'readers:list': { input: z.object({}).strict(), output: z.array(Reader) },
  /** A reader of that name (ignoring case) is returned as it is. */
  'readers:add': { input: annotation.readersAdd, output: Reader },
  'labels:list': { input: z.object({}).strict(), output: z.array(z.string()) },
  /** Replaces the label list; refused while a dropped label is used by a live box. */
  'labels:set': { input: annotation.labelsSet, output: z.array(z.string()) },
  /** Every reader's live boxes of the series, in slice order. */
  'annotations:list': { input: annotation.list, output: z.array(AnnotationBox) },
  /** Draw, copy to other slices, interpolate: one transaction for all the boxes. */
  'annotations:create': { input: annotation.create, output: z.array(AnnotationBox) },
  'annotations:update': { input: annotation.update, output: AnnotationBox },
  /** Soft delete: 'annotations:restore' brings the same ids back (undo). */
  'annotations:delete': { input: annotation.delete, output: z.object({ deleted: z.array(BoxId) }) },
  'annotations:restore': { input: annotation.restore, output: z.array(AnnotationBox) },
  'annotations:history': { input: annotation.history, output: z.array(BoxHistoryEntry) },
  'cases:list': { input: z.object({}).strict(), output: z.array(CaseProgress) },
  'cases:get': { input: annotation.caseGet, output: CaseState },
  /** A done case is locked for its reader until its status changes away from done. */
  'cases:set': { input: annotation.caseSet, output: CaseState },
  'models:list': { input: z.object({}).strict(), output: z.array(ModelSummary) },
  /** Registers an ONNX model with its manifest (sidecar or embedded); the same file twice is a no-op. */
  'models:add': {
    input: z.object({ path: AbsolutePath, name: z.string().min(1).max(100).optional() }).strict(),
    output: z.object({ model: ModelSummary, alreadyRegistered: z.boolean() }),
  },
  /** Queues every model × series pair as a job; runs happen one at a time in a worker thread. */
  'inference:start': {
    input: z
      .object({
        modelIds: z.array(ModelId).min(1).max(50),
        seriesUids: z.array(SeriesUid).min(1).max(10_000),
        params: RunParams.strict().optional(),
      })
      .strict(),
    output: z.array(Job),
  },
  'inference:jobs': { input: z.object({}).strict(), output: z.array(Job) },
  'inference:cancel': {
    input: z.object({ jobId: JobId }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  'runs:list': { input: z.object({ seriesUid: SeriesUid.optional() }).strict(), output: z.array(RunSummary) },
  'runs:predictions': {
    input: z
      .object({
        runId: RunId,
        sliceIndex: z.number().int().nonnegative().optional(),
        minScore: z.number().min(0).max(1).optional(),
      })
      .strict(),
    output: z.array(Prediction),
  },
  /** Removes a finished run and its predictions (a running one must be cancelled first). */
  'runs:delete': { input: z.object({ runId: RunId }).strict(), output: z.object({ deleted: z.boolean() }) },
  /**
   * Finished ('done') runs and one reader's live boxes on their series, for evaluating the runs against
   * that reader (the renderer computes the metrics): every slice of every series the runs cover.
   */
  'evaluation:dataset': {
    input: z
      .object({
        readerId: ReaderId,
        runIds: z.array(RunId).min(1).max(16),
        /** Evaluated images: whole slices, or the patches of the dataset's patch set (the paper's unit). */
        unit: z.enum(['slices', 'patches']).optional(),
      })
      .strict()
      .refine((i) => new Set(i.runIds).size === i.runIds.length, 'run ids must be distinct'),
    output: EvaluationDataset,
  },
  /** The stored cross-validation folds of the patients (empty, k and seed null, until assigned). */
  'folds:get': { input: z.object({}).strict(), output: FoldAssignment },
  /** Splits the workspace's patients into k folds (seeded), replacing any earlier split. */
  'folds:assign': {
    input: z
      .object({
        k: z.number().int().min(2).max(MAX_FOLDS),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
      })
      .strict(),
    output: FoldAssignment,
  },
  /** Starts an export (de-identified unless turned off) into a new folder; poll 'exports:jobs'. */
  'exports:start': {
    input: ExportRequest.safeExtend({ outDir: AbsolutePath }),
    output: ExportJob,
  },
  'exports:jobs': { input: z.object({}).strict(), output: z.array(ExportJob) },
  'exports:cancel': {
    input: z.object({ jobId: ExportJobId }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  /** A new folder for an export of this format, under the workspace's exports/. */
  'exports:suggest': {
    input: z.object({ format: ExportFormat }).strict(),
    output: z.object({ outDir: z.string() }),
  },
  /** Imports an annotation file (native, COCO, keras-retinanet CSV, Pascal VOC, DICOM SR) in one transaction. */
  'annotations:import': {
    input: z
      .object({
        path: AbsolutePath,
        format: z.enum(['native', 'coco', 'csv', 'voc', 'sr']).optional(),
        reader: ReaderName.optional(),
        classesFile: AbsolutePath.optional(),
      })
      .strict(),
    output: ImportReportSchema,
  },
  /** Studies ordered by the model's suspicion, with the run state and the reader's status. */
  'worklist:get': { input: reading.worklist, output: Worklist },
  /** The model new imports are run with automatically (null: none). */
  'worklist:autorun-get': { input: z.object({}).strict(), output: AutoRun },
  'worklist:autorun-set': { input: reading.autoRunSet, output: AutoRun },
  /** A finished run's predictions at or above the threshold, by score, with this reader's decisions. */
  'suggestions:list': { input: reading.suggestions, output: z.array(Suggestion) },
  /** Accept (as suggested or adjusted): the reader gets a box that keeps the suggestion's provenance. */
  'suggestions:accept': {
    input: reading.accept,
    output: z.object({ decision: SuggestionDecision, box: AnnotationBox }),
  },
  'suggestions:reject': { input: reading.reject, output: z.object({ decision: SuggestionDecision }) },
  /** Takes a decision back (an accepted suggestion's box is deleted with it). */
  'suggestions:undo': {
    input: reading.undo,
    output: z.object({ undone: DecisionId, deletedBoxId: BoxId.nullable() }),
  },
  /** Where the series' accepted boxes came from (model, run, score, adjusted or not). */
  'suggestions:provenance': { input: reading.provenance, output: z.array(BoxProvenance) },
  /**
   * The viewer's reading clock: a case opened, closed, or still open. A heartbeat or close of a case that
   * is not open for the reader (never opened, closed, or marked done since) is not stored: `recorded: false`.
   */
  'reading:event': { input: reading.event, output: z.object({ recorded: z.boolean() }) },
  /** Reading time per case and reader (one reader's, or everyone's). */
  'reading:times': { input: reading.times, output: z.array(ReadingTime) },
  /** Every other reader's operating point against the reference reader, with and without suggestions. */
  'evaluation:readers': { input: reading.readers, output: ReaderComparison },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export const channels = Object.keys(contract) as Channel[];
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.infer<Contract[C]['output']>;

export const isChannel = (name: unknown): name is Channel =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
