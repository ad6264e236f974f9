// The only file that imports onnxruntime-node. It opens a session on the best execution provider that
// starts (CUDA, then WebGPU, then CPU, or from the one asked for downwards), says which one it got and
// why the others were passed over, and runs batches as plain typed arrays.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import type { RawTensor } from '../../shared/detection/types';
import { PROVIDER_ORDER, type ExecutionProvider, type ProviderChoice } from '../../shared/inference/schemas';

export interface SessionOptions {
  provider: ProviderChoice;
  /** Threads for one operator (onnxruntime's default used one core on a 2-core machine). */
  intraOpThreads: number;
}

export interface OpenedSession {
  providerUsed: ExecutionProvider;
  /** Why a provider earlier in the order was not used, one line each. */
  notes: string[];
  run(inputName: string, data: Float32Array, dims: readonly number[]): Promise<Record<string, RawTensor>>;
  release(): Promise<void>;
}

/** The CUDA provider is an optional extra download (see README); without its library it cannot start. */
function cudaLibraryPresent(): boolean {
  try {
    const requireHere = createRequire(import.meta.url);
    const binding = dirname(requireHere.resolve('onnxruntime-node/package.json'));
    return existsSync(
      join(binding, 'bin/napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'),
    );
  } catch {
    return false;
  }
}

/** onnxruntime's messages carry source paths and assertions; the user needs their last clause. */
export function shortProviderError(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line =
    lines.find((l) => /Failed to get a WebGPU adapter|Failed to load/.test(l)) ?? lines[0] ?? message;
  const adapter = /Failed to get a WebGPU adapter:.*/.exec(line);
  if (adapter) return adapter[0];
  return line.replace(/^.*\] : \d+ : [A-Z_]+ : /, '').slice(0, 300);
}

function candidates(choice: ProviderChoice): ExecutionProvider[] {
  if (choice === 'auto') return [...PROVIDER_ORDER];
  return PROVIDER_ORDER.slice(PROVIDER_ORDER.indexOf(choice));
}

function toRaw(t: ort.Tensor): RawTensor {
  const { data } = t;
  if (data instanceof Float32Array || data instanceof BigInt64Array || data instanceof Int32Array) {
    return { data, dims: t.dims };
  }
  if (data instanceof Float64Array) return { data, dims: t.dims };
  throw new Error(`output of type ${t.type} is not supported`);
}

export async function openSession(modelPath: string, options: SessionOptions): Promise<OpenedSession> {
  const notes: string[] = [];
  for (const provider of candidates(options.provider)) {
    if (provider === 'cuda' && !cudaLibraryPresent()) {
      notes.push('cuda: not installed (optional; see README, "GPU inference")');
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        intraOpNumThreads: options.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Errors reach the caller as exceptions; onnxruntime's own log would only repeat them on stderr.
        logSeverityLevel: 3,
      });
      return {
        providerUsed: provider,
        notes,
        async run(inputName, data, dims) {
          const feeds = { [inputName]: new ort.Tensor('float32', data, dims) };
          const out = await session.run(feeds);
          const result: Record<string, RawTensor> = {};
          for (const [name, tensor] of Object.entries(out)) result[name] = toRaw(tensor);
          return result;
        },
        release: () => session.release(),
      };
    } catch (err) {
      const message = shortProviderError((err as Error).message);
      if (provider === 'cpu') throw new Error(`the model cannot be loaded: ${message}`, { cause: err });
      notes.push(`${provider}: ${message}`);
    }
  }
  throw new Error(`no execution provider could start (${notes.join('; ')})`);
}
