// Our engine (preprocessing → onnxruntime-node → decoding) against PyTorch's own outputs for the small
// committed models in each output layout (made by training/reference/make_tiny_models.py).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSession } from '../../src/main/inference/ortSession';
import { findManifest } from '../../src/main/model/manifestSource';
import { readOnnxGraph } from '../../src/main/model/onnxGraph';
import { decodeOutputs, generateAnchors } from '../../src/shared/detection';
import { compareDetections, decode, inputTensor, maxAbsDiff, readExpected } from './referenceFiles';

const MODELS = resolve('test/fixtures/models');
const tiny = ['tiny-tv-raw-3slice', 'tiny-tv-raw-1slice', 'tiny-tv-post', 'tiny-keras-raw'];

describe.each(tiny)('%s', (name) => {
  const onnx = join(MODELS, `${name}.onnx`);
  const { manifest } = findManifest(onnx, readOnnxGraph(readFileSync(onnx)).metadata);
  const expectedFile = join(MODELS, `${name}.expected.json`);
  const expected = readExpected(expectedFile);

  it('gives PyTorch raw outputs and detections from our preprocessing of the same patches', async () => {
    const { data, dims, batch } = inputTensor(expectedFile, expected, manifest);
    const session = await openSession(onnx, { provider: 'cpu', intraOpThreads: 2 });
    try {
      const outputs = await session.run(manifest.input.name, data, dims);
      for (const [outName, want] of Object.entries(expected.outputs)) {
        const got = outputs[outName];
        expect(got, outName).toBeDefined();
        if (want.dtype === 'float32') {
          expect(maxAbsDiff(got!.data as Float32Array, decode(want) as Float32Array), outName).toBeLessThan(
            1e-4,
          );
        }
      }
      const anchors = manifest.anchors ? generateAnchors(manifest.anchors, manifest.input.size) : null;
      const detections = decodeOutputs(manifest, outputs, batch, anchors);
      expected.detections.forEach((want, i) => {
        const c = compareDetections(detections[i]!, want);
        expect(c.count[0], `item ${i} count`).toBe(c.count[1]);
        expect(c.count[0]).toBeGreaterThan(0);
        expect(c.labelsEqual).toBe(true);
        expect(c.box, `item ${i} boxes (px)`).toBeLessThan(1e-3);
        expect(c.score, `item ${i} scores`).toBeLessThan(1e-5);
      });
    } finally {
      await session.release();
    }
  });
});

describe('the postprocessed and raw exports of the same weights', () => {
  it('give the same detections through our decoder', () => {
    const raw = readExpected(join(MODELS, 'tiny-tv-raw-3slice.expected.json')).detections;
    const post = readExpected(join(MODELS, 'tiny-tv-post.expected.json')).detections;
    expect(post.map((d) => d.scores.length)).toEqual(raw.map((d) => d.scores.length));
    expect(maxAbsDiff(post[0]!.scores, raw[0]!.scores)).toBeLessThan(1e-5);
  });
});
