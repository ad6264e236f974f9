// A real workspace for reading tests: a phantom cohort imported (test/annotation/fixture.ts), the
// committed tiny detector registered, and runs with known predictions stored the way the inference
// service stores a finished run (RunStore: create, one addSlice per slice, finish).
import { resolve } from 'node:path';
import type { ModelSummary, RunStatus } from '../../src/shared/inference/schemas';
import { RunParams } from '../../src/shared/inference/schemas';
import type { RunId } from '../../src/shared/ids';
import { annotationWorkspace, call, type AnnotationFixture, type FixtureSeries } from '../annotation/fixture';

export const TINY_MODEL = resolve('test/fixtures/models/tiny-tv-raw-3slice.onnx');

export interface ReadingFixture extends AnnotationFixture {
  model: ModelSummary;
}

export async function readingWorkspace(patients = 2, slices = 10): Promise<ReadingFixture> {
  const fx = await annotationWorkspace(patients, slices);
  const { model } = await call(fx.handlers, 'models:add', { path: TINY_MODEL });
  return { ...fx, model };
}

export interface KnownPrediction {
  slice: number;
  score: number;
  box: [number, number, number, number];
  label?: string;
}

/** A run of `model` on `series` with exactly these predictions, finished with `status`. */
export function storedRun(
  fx: ReadingFixture,
  series: FixtureSeries,
  predictions: readonly KnownPrediction[],
  status: Exclude<RunStatus, 'running'> = 'done',
  model: ModelSummary = fx.model,
): RunId {
  const runs = fx.ws.inference.runs;
  const runId = runs.create({
    modelId: model.id,
    modelName: model.name,
    modelSha256: model.sha256,
    seriesUid: series.uid,
    providerRequested: 'cpu',
    params: RunParams.parse({ provider: 'cpu' }),
    sliceCount: series.sops.length,
    startedAt: '2026-03-01T08:00:00.000Z',
  });
  series.sops.forEach((sopUid, sliceIndex) => {
    runs.addSlice(runId, {
      sliceIndex,
      sopUid,
      tiles: 1,
      ms: 1,
      predictions: predictions
        .filter((p) => p.slice === sliceIndex)
        .map((p) => ({
          label: p.label ?? 'DVT',
          score: p.score,
          box: { space: 'dicom-pixel', x1: p.box[0], y1: p.box[1], x2: p.box[2], y2: p.box[3] },
        })),
    });
  });
  runs.finish(runId, status, '2026-03-01T08:01:00.000Z', status === 'failed' ? 'a test failure' : null);
  return runId;
}

export const pixelBox = (x1: number, y1: number, x2: number, y2: number) => ({
  space: 'dicom-pixel' as const,
  x1,
  y1,
  x2,
  y2,
});
