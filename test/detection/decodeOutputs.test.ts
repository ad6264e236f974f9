import { describe, expect, it } from 'vitest';
import { decodeOutputs, generateAnchors, type RawTensor } from '../../src/shared/detection';
import type { ModelManifest } from '../../src/shared/model/manifest';
import { parsedManifest, torchvisionRawManifest } from '../model/manifests';
import { expectDetections, kerasFixture, torchvisionFixture } from './fixtures';

const tvManifest = parsedManifest(torchvisionRawManifest());
const tvAnchors = generateAnchors(tvManifest.anchors!, 128, { scaledSizes: 'truncate' });
const A = tvAnchors.anchors.length / 4;
const tvCase = torchvisionFixture.cases.find((c) => c.name === 'c1-defaults')!;
const tvInput = torchvisionFixture.inputs.c1!;

const tensor = (data: RawTensor['data'], ...dims: number[]): RawTensor => ({ data, dims });

/** Batch of two: the fixture's image, then one where nothing scores. */
function tvOutputs(): Record<string, RawTensor> {
  const logits = new Float32Array(2 * A).fill(-10);
  logits.set(tvInput.classLogits);
  const regression = new Float32Array(2 * A * 4);
  regression.set(tvInput.boxRegression);
  return { cls_logits: tensor(logits, 2, A, 1), bbox_regression: tensor(regression, 2, A, 4) };
}

describe('decodeOutputs', () => {
  it('decodes torchvision raw heads per batch item', () => {
    const [first, second, ...rest] = decodeOutputs(tvManifest, tvOutputs(), 2, tvAnchors);
    expect(rest).toEqual([]);
    expectDetections(first!, tvCase.expected);
    expect(second!.scores.length).toBe(0);
    // A fixed batch of 2 with one item filled.
    expect(decodeOutputs(tvManifest, tvOutputs(), 1, tvAnchors)).toHaveLength(1);
  });

  it('decodes keras-retinanet raw heads', () => {
    const m = parsedManifest(
      torchvisionRawManifest({
        output: { kind: 'keras-retinanet-raw', regression: 'regression', classification: 'classification' },
        anchors: { ...kerasFixture.anchorSettings },
        boxCoding: { kind: 'keras-retinanet', mean: [0, 0, 0, 0], std: [0.2, 0.2, 0.2, 0.2] },
      }),
    );
    const anchors = generateAnchors(m.anchors!, 128);
    const input = kerasFixture.inputs.c1!;
    const [d] = decodeOutputs(
      m,
      {
        classification: tensor(Float32Array.from(input.classification), 1, A, 1),
        regression: tensor(Float32Array.from(input.regression), 1, A, 4),
      },
      1,
      anchors,
    );
    expectDetections(d!, kerasFixture.cases.find((c) => c.name === 'c1-defaults')!.expected);
  });

  it("reads torchvision's postprocessed outputs, int64 labels included", () => {
    const m = parsedManifest(
      torchvisionRawManifest({
        output: {
          kind: 'torchvision-postprocessed',
          images: [
            { boxes: 'boxes', scores: 'scores', labels: 'labels' },
            { boxes: 'boxes_1', scores: 'scores_1', labels: 'labels_1' },
          ],
        },
      }),
    );
    const outputs = {
      boxes: tensor(Float32Array.from([1, 2, 30, 40, 5, 6, 7, 8]), 2, 4),
      scores: tensor(Float32Array.from([0.9, 0.4]), 2),
      labels: tensor(BigInt64Array.from([1n, 0n]), 2),
      boxes_1: tensor(new Float32Array(0), 0, 4),
      scores_1: tensor(new Float32Array(0), 0),
      labels_1: tensor(new BigInt64Array(0), 0),
    };
    const [a, b] = decodeOutputs(m, outputs, 2, null);
    expect(Array.from(a!.boxes)).toEqual([1, 2, 30, 40, 5, 6, 7, 8]);
    expect(a!.scores[0]).toBeCloseTo(0.9, 6);
    expect(Array.from(a!.labels)).toEqual([1, 0]);
    expect(b!.scores.length).toBe(0);
    expect(() => decodeOutputs(m, outputs, 3, null)).toThrow(/names outputs for 2 images; the batch has 3/);
    const wide = { ...outputs, boxes: tensor(new Float32Array(10), 2, 5) };
    expect(() => decodeOutputs(m, wide, 1, null)).toThrow('output "boxes" has shape [2, 5]; expected [K, 4]');
    const short = { ...outputs, scores: tensor(new Float32Array(1), 1) };
    expect(() => decodeOutputs(m, short, 1, null)).toThrow(
      'output "scores" has shape [1]; expected [2], one per box',
    );
  });

  describe('refuses outputs that do not fit the manifest', () => {
    const expectError = (
      outputs: Record<string, RawTensor>,
      message: string | RegExp,
      m: ModelManifest = tvManifest,
    ) => expect(() => decodeOutputs(m, outputs, 2, tvAnchors)).toThrow(message);

    it('a missing output', () => {
      const { cls_logits } = tvOutputs();
      expectError(
        { cls_logits: cls_logits! },
        'the model returned no output "bbox_regression" (its outputs: cls_logits)',
      );
    });

    it('another anchor count (a model for another input size)', () => {
      const small = generateAnchors(tvManifest.anchors!, 100).anchors.length / 4;
      const outputs = {
        cls_logits: tensor(new Float32Array(2 * small), 2, small, 1),
        bbox_regression: tensor(new Float32Array(2 * small * 4), 2, small, 4),
      };
      expectError(
        outputs,
        `output "cls_logits" has shape [2, ${small}, 1]; expected [N, ${A}, 1] with N ≥ 2 (${A} anchors at 128 px, 1 class)`,
      );
    });

    it('another class count', () => {
      const outputs = { ...tvOutputs(), cls_logits: tensor(new Float32Array(2 * A * 3), 2, A, 3) };
      expectError(outputs, /output "cls_logits" has shape \[2, 3069, 3\]; expected \[N, 3069, 1\]/);
    });

    it('a smaller batch than asked for', () => {
      const o = tvOutputs();
      const outputs = { ...o, bbox_regression: tensor(o.bbox_regression!.data.subarray(0, A * 4), 1, A, 4) };
      expectError(
        outputs,
        /output "bbox_regression" has shape \[1, 3069, 4\]; expected \[N, 3069, 4\] with N ≥ 2/,
      );
    });

    it('integers where floats belong, and data that does not fill the shape', () => {
      expectError(
        { ...tvOutputs(), cls_logits: tensor(new Int32Array(2 * A), 2, A, 1) },
        'output "cls_logits" holds integers; expected floating point',
      );
      expectError(
        { ...tvOutputs(), cls_logits: tensor(new Float32Array(5), 2, A, 1) },
        `output "cls_logits" has shape [2, ${A}, 1] but 5 values`,
      );
    });

    it('raw heads without anchors', () => {
      expect(() => decodeOutputs(tvManifest, tvOutputs(), 1, null)).toThrow(
        'a torchvision-raw model needs anchors to decode its outputs',
      );
    });
  });
});
