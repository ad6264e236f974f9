// Messages between the main thread and the inference worker. Plain data only (structured clone);
// cancellation is a shared flag so the worker sees it even while a batch is running.
import type { ExecutionProvider, ProviderChoice, RunParams } from '../../shared/inference/schemas';
import type { ModelManifest } from '../../shared/model/manifest';
import type { InstanceFile } from '../series/instancePixels';
import type { SeriesGeometry } from './runSeries';
import type { SliceOutcome } from './runStore';

export interface ProbeRequest {
  type: 'probe';
  id: number;
  modelPath: string;
}

export interface RunRequest {
  type: 'run';
  id: number;
  modelPath: string;
  manifest: ModelManifest;
  fixedBatch: number | null;
  geometry: SeriesGeometry;
  instances: InstanceFile[];
  params: RunParams & { provider: ProviderChoice };
  /** Int32Array over this: element 0 becomes 1 to cancel. */
  cancelFlag: SharedArrayBuffer;
}

export type WorkerRequest = ProbeRequest | RunRequest;

export type WorkerEvent =
  | { type: 'probed'; id: number; error: string | null }
  | { type: 'started'; id: number; providerUsed: ExecutionProvider; notes: string[] }
  | { type: 'slice'; id: number; outcome: SliceOutcome }
  | { type: 'finished'; id: number; status: 'done' | 'cancelled' }
  | { type: 'failed'; id: number; error: string };
