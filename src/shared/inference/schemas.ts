import { z } from 'zod';
import { JobId, ModelId, RunId, SeriesUid, SopInstanceUid } from '../ids';
import { ModelManifest } from '../model/manifest';
import { DicomPixelBox } from '../reference/schemas';

/** Execution providers in order of preference: the first that starts is used. */
export const PROVIDER_ORDER = ['cuda', 'webgpu', 'cpu'] as const;
export const ExecutionProvider = z.enum(PROVIDER_ORDER);
export type ExecutionProvider = z.infer<typeof ExecutionProvider>;
/** 'auto' tries every provider in order; a named one is tried first, then those after it. */
export const ProviderChoice = z.enum(['auto', ...PROVIDER_ORDER]);
export type ProviderChoice = z.infer<typeof ProviderChoice>;

export const RunParams = z.object({
  provider: ProviderChoice.default('auto'),
  /** Patches per model call (a graph exported with a fixed batch uses its own). */
  batchSize: z.number().int().min(1).max(512).default(16),
  /** Tile step in resampled pixels; 96 with 128-px tiles overlaps neighbours by 32. */
  stride: z.number().int().min(8).max(2048).default(96),
  /** Threads for onnxruntime's operators; 0 means every core. */
  threads: z.number().int().min(0).max(256).default(0),
  /** Boxes of one slice from overlapping tiles are merged by per-class NMS at this IoU. */
  mergeIouThreshold: z.number().gt(0).max(1).default(0.5),
  /**
   * Skip tiles that are black in every channel under the model's window (air and fat below its
   * lower edge): no vein can be there. Off by default, as the paper runs every tile.
   */
  skipEmptyTiles: z.boolean().default(false),
});
export type RunParams = z.infer<typeof RunParams>;
export type RunParamsInput = z.input<typeof RunParams>;

export const ModelSummary = z.object({
  id: ModelId,
  name: z.string(),
  sha256: z.string(),
  fileSize: z.number().int(),
  sourcePath: z.string(),
  addedAt: z.string(),
  /** Batch size frozen into the graph, or null when it takes any. */
  fixedBatch: z.number().int().positive().nullable(),
  manifest: ModelManifest,
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const RunStatus = z.enum(['running', 'done', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunSummary = z.object({
  id: RunId,
  modelId: ModelId,
  modelName: z.string(),
  modelSha256: z.string(),
  seriesUid: SeriesUid,
  status: RunStatus,
  providerRequested: ProviderChoice,
  providerUsed: ExecutionProvider.nullable(),
  /** Why providers before the one used did not start. */
  providerNotes: z.array(z.string()),
  params: RunParams,
  sliceCount: z.number().int(),
  slicesDone: z.number().int(),
  tileCount: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Mean wall time per slice, ms (null before the first slice). */
  msPerSlice: z.number().nullable(),
  predictionCount: z.number().int(),
  error: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const Prediction = z.object({
  runId: RunId,
  sliceIndex: z.number().int().nonnegative(),
  sopInstanceUid: SopInstanceUid,
  label: z.string(),
  score: z.number().min(0).max(1),
  box: DicomPixelBox,
});
export type Prediction = z.infer<typeof Prediction>;

export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

export const Job = z.object({
  id: JobId,
  modelId: ModelId,
  modelName: z.string(),
  seriesUid: SeriesUid,
  state: JobState,
  runId: RunId.nullable(),
  sliceCount: z.number().int(),
  slicesDone: z.number().int(),
  providerUsed: ExecutionProvider.nullable(),
  providerNotes: z.array(z.string()),
  error: z.string().nullable(),
  queuedAt: z.string(),
});
export type Job = z.infer<typeof Job>;
