// The inference worker: onnxruntime's session.run blocks the thread it runs on, so sessions live
// here and the main thread (Electron's, or the CLI's) stays free. One request at a time; the last
// session is kept so a queue of series for the same model loads it once.
import { availableParallelism } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { openSession, type OpenedSession } from './ortSession';
import { readInstanceHu } from '../series/instancePixels';
import { runSeries } from './runSeries';
import type { RunRequest, WorkerEvent, WorkerRequest } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('inferenceWorker must run in a worker thread');

let cached: { key: string; session: OpenedSession } | null = null;

const post = (event: WorkerEvent): void => port.postMessage(event);

async function sessionFor(req: RunRequest): Promise<OpenedSession> {
  const threads = req.params.threads > 0 ? req.params.threads : availableParallelism();
  const key = `${req.modelPath}\u0000${req.params.provider}\u0000${threads}`;
  if (cached?.key === key) return cached.session;
  if (cached) await cached.session.release();
  cached = null;
  const session = await openSession(req.modelPath, {
    provider: req.params.provider,
    intraOpThreads: threads,
  });
  cached = { key, session };
  return session;
}

async function handle(req: WorkerRequest): Promise<void> {
  if (req.type === 'probe') {
    try {
      const s = await openSession(req.modelPath, { provider: 'cpu', intraOpThreads: 1 });
      await s.release();
      post({ type: 'probed', id: req.id, error: null });
    } catch (err) {
      post({ type: 'probed', id: req.id, error: (err as Error).message });
    }
    return;
  }
  try {
    const session = await sessionFor(req);
    post({ type: 'started', id: req.id, providerUsed: session.providerUsed, notes: session.notes });
    const flag = new Int32Array(req.cancelFlag);
    const status = await runSeries(session, req.manifest, req.fixedBatch, req.geometry, req.params, {
      readSlice: (z) => {
        const inst = req.instances[z];
        if (!inst) throw new Error(`series has no slice ${z}`);
        return readInstanceHu(inst);
      },
      onSlice: (outcome) => post({ type: 'slice', id: req.id, outcome }),
      isCancelled: () => Atomics.load(flag, 0) === 1,
    });
    post({ type: 'finished', id: req.id, status });
  } catch (err) {
    post({ type: 'failed', id: req.id, error: (err as Error).message });
  }
}

// Requests are handled strictly one after another.
let chain: Promise<void> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  chain = chain.then(() => handle(req));
});
