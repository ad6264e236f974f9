import { z } from 'zod';
import { SeriesUid } from '../ids';
import { CatalogTree, ImportReport, SeriesDetail, SliceData } from '../catalog/schemas';
import { SeriesReference } from '../reference/schemas';

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
    input: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
    output: ImportReport,
  },
  'series:detail': { input: z.object({ seriesUid: SeriesUid }).strict(), output: SeriesDetail },
  'series:slice': {
    input: z.object({ seriesUid: SeriesUid, index: z.number().int().nonnegative() }).strict(),
    output: SliceData,
  },
  /** Known truth of generated (phantom) series: thrombi, veins and mimics per slice. */
  'series:reference': { input: z.object({ seriesUid: SeriesUid }).strict(), output: SeriesReference },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export const channels = Object.keys(contract) as Channel[];
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.infer<Contract[C]['output']>;

export const isChannel = (name: unknown): name is Channel =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
