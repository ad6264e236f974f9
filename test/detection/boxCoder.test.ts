import { describe, expect, it } from 'vitest';
import {
  decodeKeras,
  decodeTorchvision,
  type KerasCoding,
  type TorchvisionCoding,
} from '../../src/shared/detection';

const anchors = Float32Array.from([0, 0, 10, 20, 100, 100, 132, 116]);
const keras = (mean: KerasCoding['mean']): KerasCoding => ({
  kind: 'keras-retinanet',
  mean,
  std: [0.2, 0.2, 0.2, 0.2],
});

describe('decodeTorchvision (BoxCoder.decode_single)', () => {
  const coding: TorchvisionCoding = {
    kind: 'torchvision',
    weights: [10, 10, 5, 5],
    clip: Math.log(1000 / 16),
  };

  it('moves the centre by dx·w / wx and scales the size by exp(dw / ww)', () => {
    const regression = Float32Array.from([10, -20, 5 * Math.log(2), 0, 0, 0, 0, 0]);
    const boxes = decodeTorchvision(regression, anchors, coding);
    // Centre (5, 10) + (1·10, −2·20) = (15, −30); width 10·2, height 20.
    expect(Array.from(boxes.subarray(0, 4)).map((v) => +v.toFixed(4))).toEqual([5, -40, 25, -20]);
    expect(Array.from(boxes.subarray(4))).toEqual([100, 100, 132, 116]);
  });

  it('clamps dw and dh at log(1000 / 16)', () => {
    const regression = Float32Array.from([0, 0, 5 * 50, 5 * 50]);
    const [x1, y1, x2, y2] = decodeTorchvision(regression, anchors.subarray(0, 4), coding);
    expect(x2! - x1!).toBeCloseTo(10 * (1000 / 16), 2);
    expect(y2! - y1!).toBeCloseTo(20 * (1000 / 16), 2);
  });

  it('decodes only the listed anchors, in their order', () => {
    const regression = new Float32Array(8);
    expect(Array.from(decodeTorchvision(regression, anchors, coding, [1, 0]))).toEqual([
      100, 100, 132, 116, 0, 0, 10, 20,
    ]);
  });
});

describe('decodeKeras (bbox_transform_inv)', () => {
  it('moves each corner by (delta · std + mean) times the anchor width or height', () => {
    const coding = keras([0, 0, 0, 0.5]);
    const regression = Float32Array.from([1, -1, 0, 0, 0, 0, 0, 0]);
    const boxes = decodeKeras(regression, anchors, coding);
    // x1 + 0.2·10, y1 − 0.2·20, x2, y2 + 0.5·20.
    expect(Array.from(boxes.subarray(0, 4)).map((v) => +v.toFixed(4))).toEqual([2, -4, 10, 30]);
    expect(Array.from(boxes.subarray(4)).map((v) => +v.toFixed(4))).toEqual([100, 100, 132, 124]);
  });

  it('rejects a regression of another length', () => {
    const coding = keras([0, 0, 0, 0]);
    expect(() => decodeKeras(new Float32Array(4), anchors, coding)).toThrow(
      /1 regression rows for 2 anchors/,
    );
  });
});
