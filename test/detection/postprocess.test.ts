import { describe, expect, it } from 'vitest';
import { generateAnchors, postprocessKerasRaw, postprocessTorchvisionRaw } from '../../src/shared/detection';
import { expectDetections, kerasFixture, torchvisionFixture } from './fixtures';

describe('postprocessTorchvisionRaw = RetinaNet.postprocess_detections (torchvision 0.14)', () => {
  const fx = torchvisionFixture;
  const { anchors, perLevel } = generateAnchors(fx.anchorSettings, fx.imageSize, { scaledSizes: 'truncate' });

  for (const c of fx.cases) {
    it(c.name, () => {
      const input = fx.inputs[c.inputs]!;
      const got = postprocessTorchvisionRaw({
        classLogits: Float32Array.from(input.classLogits),
        boxRegression: Float32Array.from(input.boxRegression),
        numClasses: input.numClasses,
        anchors,
        perLevel,
        imageSize: fx.imageSize,
        coding: { kind: 'torchvision', weights: c.weights, clip: c.clip },
        settings: c.settings,
      });
      expect(got.scores.length).toBeGreaterThan(10);
      expectDetections(got, c.expected);
    });
  }

  it('the fixtures exercise the detection limit, NMS and the dw/dh clamp', () => {
    const limited = fx.cases.find((c) => c.settings.topKCandidates < 1000)!;
    expect(limited.expected.scores.length).toBe(limited.settings.detectionsPerImage);
    const c = fx.cases[0]!;
    const input = fx.inputs[c.inputs]!;
    const run = (nmsIouThreshold: number, clip: number) =>
      postprocessTorchvisionRaw({
        classLogits: Float32Array.from(input.classLogits),
        boxRegression: Float32Array.from(input.boxRegression),
        numClasses: input.numClasses,
        anchors,
        perLevel,
        imageSize: fx.imageSize,
        coding: { kind: 'torchvision', weights: c.weights, clip },
        settings: { ...c.settings, nmsIouThreshold },
      });
    expect(run(1, c.clip).scores.length).toBeGreaterThan(3 * c.expected.scores.length);
    const nms = c.settings.nmsIouThreshold;
    expect(Array.from(run(nms, 20).boxes)).not.toEqual(Array.from(run(nms, c.clip).boxes));
  });
});

describe('postprocessKerasRaw = keras-retinanet RegressBoxes + ClipBoxes + filter_detections (port)', () => {
  const fx = kerasFixture;
  const { anchors } = generateAnchors(fx.anchorSettings, fx.imageSize);

  for (const c of fx.cases) {
    it(c.name, () => {
      const input = fx.inputs[c.inputs]!;
      const got = postprocessKerasRaw({
        classification: Float32Array.from(input.classification),
        regression: Float32Array.from(input.regression),
        numClasses: input.numClasses,
        anchors,
        imageSize: fx.imageSize,
        coding: { kind: 'keras-retinanet', mean: c.mean, std: c.std },
        settings: c.settings,
      });
      expect(got.scores.length).toBeGreaterThan(10);
      expectDetections(got, c.expected);
      // ClipBoxes keeps corners within [0, size - 1].
      expect(Math.max(...got.boxes)).toBeLessThanOrEqual(fx.imageSize - 1);
    });
  }
});
