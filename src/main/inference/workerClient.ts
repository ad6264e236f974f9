// The main thread's side of the inference worker: spawns it on first use, matches answers to
// requests, and turns a crashed worker into rejected requests (the next request starts a new one).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunRequest, WorkerEvent, WorkerRequest } from './workerProtocol';

let bundledScript: string | null = null;

/** The Electron build runs its bundled worker file (set by the entry point, which knows where it is). */
export function setInferenceWorkerScript(path: string): void {
  bundledScript = path;
}

function spawn(): Worker {
  if (bundledScript) return new Worker(bundledScript);
  // From source (CLI, tests): load the TypeScript worker through tsx inside the worker.
  const entry = new URL('./inferenceWorker.ts', import.meta.url).href;
  const code = `const { register } = await import(${JSON.stringify(tsxEsmApi())});
register();
await import(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1]);
}

/** tsx's ESM API (`tsx/esm/api`, import condition), as a file URL the eval'd worker can import. */
function tsxEsmApi(): string {
  const requireHere = createRequire(import.meta.url);
  const pkgFile = requireHere.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const rel = pkg.exports['./esm/api']?.import?.default;
  if (!rel) throw new Error('tsx has no ESM API entry');
  return pathToFileURL(join(dirname(pkgFile), rel)).href;
}

type Listener = { onEvent: (e: WorkerEvent) => void; onCrash: (err: Error) => void };

export class InferenceWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly listeners = new Map<number, Listener>();

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = spawn();
    worker.on('message', (e: WorkerEvent) => this.listeners.get(e.id)?.onEvent(e));
    const crash = (err: Error): void => {
      if (this.worker === worker) this.worker = null;
      const pending = [...this.listeners.values()];
      this.listeners.clear();
      for (const l of pending) l.onCrash(err);
    };
    worker.on('error', crash);
    worker.on('exit', (code) => crash(new Error(`the inference worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private send(req: WorkerRequest, listener: Listener): void {
    const worker = this.ensure();
    this.listeners.set(req.id, listener);
    // An idle worker must not keep a CLI process alive.
    worker.ref();
    worker.postMessage(req);
  }

  private done(id: number): void {
    this.listeners.delete(id);
    if (this.listeners.size === 0) this.worker?.unref();
  }

  /** Resolves when onnxruntime can load the model on the CPU; rejects with its reason otherwise. */
  probe(modelPath: string): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.send(
        { type: 'probe', id, modelPath },
        {
          onEvent: (e) => {
            if (e.type !== 'probed') return;
            this.done(id);
            if (e.error === null) resolve();
            else reject(new Error(e.error));
          },
          onCrash: reject,
        },
      );
    });
  }

  /** Runs one model over one series; events arrive through `onEvent` until it settles. */
  run(
    request: Omit<RunRequest, 'type' | 'id'>,
    onEvent: (e: WorkerEvent) => void,
  ): Promise<'done' | 'cancelled'> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.send(
        { ...request, type: 'run', id },
        {
          onEvent: (e) => {
            if (e.type === 'finished') {
              this.done(id);
              resolve(e.status);
            } else if (e.type === 'failed') {
              this.done(id);
              reject(new Error(e.error));
            } else {
              onEvent(e);
            }
          },
          onCrash: reject,
        },
      );
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
