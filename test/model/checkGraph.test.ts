import { describe, expect, it } from 'vitest';
import { anchorCount, checkGraph } from '../../src/main/model/checkGraph';
import type { OnnxGraphInfo } from '../../src/main/model/onnxGraph';
import { parsedManifest, torchvisionRawManifest } from './manifests';

const graph = (overrides: Partial<OnnxGraphInfo> = {}): OnnxGraphInfo => ({
  irVersion: 8,
  opsetVersion: 17,
  producer: 'pytorch',
  metadata: {},
  inputs: [{ name: 'images', elemType: 'float32', shape: ['batch', 3, 128, 128] }],
  outputs: [
    { name: 'cls_logits', elemType: 'float32', shape: ['batch', 3069, 1] },
    { name: 'bbox_regression', elemType: 'float32', shape: ['batch', 3069, 4] },
  ],
  ...overrides,
});

describe('anchorCount', () => {
  it('is 9 anchors per cell on 16², 8², 4², 2², 1² cells at 128 px', () => {
    expect(anchorCount(parsedManifest(torchvisionRawManifest()))).toBe(9 * (256 + 64 + 16 + 4 + 1));
  });
});

describe('checkGraph', () => {
  const m = parsedManifest(torchvisionRawManifest());

  it('accepts a matching raw-head graph with a dynamic batch', () => {
    expect(checkGraph(m, graph())).toEqual({ fixedBatch: null });
  });

  it('reports a batch frozen into the graph', () => {
    const g = graph({ inputs: [{ name: 'images', elemType: 'float32', shape: [16, 3, 128, 128] }] });
    expect(checkGraph(m, g)).toEqual({ fixedBatch: 16 });
  });

  it('names a missing input and a missing output', () => {
    const g = graph({
      inputs: [{ name: 'input', elemType: 'float32', shape: [1, 3, 128, 128] }],
      outputs: [{ name: 'cls_logits', elemType: 'float32', shape: [1, 3069, 1] }],
    });
    expect(() => checkGraph(m, g)).toThrow(/no input "images".*no output "bbox_regression"/);
  });

  it('refuses a 1-channel graph for a 3-slice manifest and a wrong patch size', () => {
    expect(() =>
      checkGraph(m, graph({ inputs: [{ name: 'images', elemType: 'float32', shape: [1, 1, 128, 128] }] })),
    ).toThrow(/3 channels of 128×128 in NCHW/);
    expect(() =>
      checkGraph(m, graph({ inputs: [{ name: 'images', elemType: 'float32', shape: [1, 3, 256, 256] }] })),
    ).toThrow(/3 channels of 128×128/);
  });

  it('refuses heads whose anchor count does not follow from the anchor settings', () => {
    const g = graph({
      outputs: [
        { name: 'cls_logits', elemType: 'float32', shape: ['batch', 2046, 1] },
        { name: 'bbox_regression', elemType: 'float32', shape: ['batch', 2046, 4] },
      ],
    });
    expect(() => checkGraph(m, g)).toThrow(/\[N, 3069, 1\]/);
  });

  it('refuses a graph with more classes than the manifest names', () => {
    const g = graph({
      outputs: [
        { name: 'cls_logits', elemType: 'float32', shape: ['batch', 3069, 2] },
        { name: 'bbox_regression', elemType: 'float32', shape: ['batch', 3069, 4] },
      ],
    });
    expect(() => checkGraph(m, g)).toThrow(/cls_logits/);
  });

  it('checks NHWC layouts on the last axis', () => {
    const nhwc = parsedManifest(
      torchvisionRawManifest({ input: { ...torchvisionRawManifest().input, layout: 'NHWC' } as never }),
    );
    expect(
      checkGraph(nhwc, graph({ inputs: [{ name: 'images', elemType: 'float32', shape: [1, 128, 128, 3] }] })),
    ).toEqual({ fixedBatch: 1 });
    expect(() => checkGraph(nhwc, graph())).toThrow(/N, H, W, C/);
  });

  it('takes the batch of a postprocessed graph from the outputs it names', () => {
    const post = parsedManifest(
      torchvisionRawManifest({
        output: {
          kind: 'torchvision-postprocessed',
          images: [
            { boxes: 'boxes_0', scores: 'scores_0', labels: 'labels_0' },
            { boxes: 'boxes_1', scores: 'scores_1', labels: 'labels_1' },
          ],
        },
      }),
    );
    const outputs = [0, 1].flatMap((i) => [
      { name: `boxes_${i}`, elemType: 'float32', shape: ['K', 4] },
      { name: `scores_${i}`, elemType: 'float32', shape: ['K'] },
      { name: `labels_${i}`, elemType: 'int64', shape: ['K'] },
    ]);
    const inputs = [{ name: 'images', elemType: 'float32', shape: [2, 3, 128, 128] }];
    expect(checkGraph(post, graph({ inputs, outputs }))).toEqual({ fixedBatch: 2 });
    const three = [{ name: 'images', elemType: 'float32', shape: [3, 3, 128, 128] }];
    expect(() => checkGraph(post, graph({ inputs: three, outputs }))).toThrow(/batch of 3.*outputs for 2/);
  });

  it('refuses a non-float input', () => {
    const g = graph({ inputs: [{ name: 'images', elemType: 'uint8', shape: [1, 3, 128, 128] }] });
    expect(() => checkGraph(m, g)).toThrow(/uint8, not float32/);
  });
});
