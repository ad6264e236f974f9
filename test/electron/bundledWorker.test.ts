// The Electron build runs the inference worker from its own bundle (out/main/inferenceWorker.js, a
// second entry of the main build), not through tsx: check that bundle loads models and runs them.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InferenceWorker, setInferenceWorkerScript } from '../../src/main/inference/workerClient';

const BUNDLE = resolve(process.env['DVT_MAIN_BUNDLE'] ?? 'out/main/inferenceWorker.js');
const worker = new InferenceWorker();
afterAll(() => worker.close());

describe('the bundled inference worker', () => {
  it('is built beside the main entry and loads a model', async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing; run "npx electron-vite build" first`);
    setInferenceWorkerScript(BUNDLE);
    await expect(
      worker.probe(resolve('test/fixtures/models/tiny-tv-raw-3slice.onnx')),
    ).resolves.toBeUndefined();
    await expect(worker.probe(join(resolve('test/fixtures/models'), 'tiny-input.json'))).rejects.toThrow(
      /the model cannot be loaded/,
    );
  });
});
