import { describe, expect, it } from 'vitest';
import { readOnnxGraph } from '../../src/main/model/onnxGraph';
import { bytes, int, str, valueInfo as protoValueInfo } from './protobuf';

const valueInfo = (name: string, elem: number, dims: (number | string)[]): number[] =>
  protoValueInfo(11, name, elem, dims);
const outputInfo = (name: string, elem: number, dims: (number | string)[]): number[] =>
  protoValueInfo(12, name, elem, dims);

function model(graph: number[]): Uint8Array {
  return Uint8Array.from([
    ...int(1, 8),
    ...str(2, 'pytorch'),
    ...bytes(8, [...str(1, ''), ...int(2, 17)]),
    ...bytes(7, graph),
    ...bytes(14, [...str(1, 'dvt.manifest'), ...str(2, '{"schemaVersion":1}')]),
  ]);
}

describe('readOnnxGraph', () => {
  it('reads inputs, outputs, shapes, opset and metadata', () => {
    const g = readOnnxGraph(
      model([
        ...str(2, 'main'),
        ...valueInfo('images', 1, ['batch', 3, 128, 128]),
        ...outputInfo('cls_logits', 1, ['batch', 3069, 1]),
        ...outputInfo('labels', 7, ['K']),
      ]),
    );
    expect(g.irVersion).toBe(8);
    expect(g.opsetVersion).toBe(17);
    expect(g.producer).toBe('pytorch');
    expect(g.metadata).toEqual({ 'dvt.manifest': '{"schemaVersion":1}' });
    expect(g.inputs).toEqual([{ name: 'images', elemType: 'float32', shape: ['batch', 3, 128, 128] }]);
    expect(g.outputs).toEqual([
      { name: 'cls_logits', elemType: 'float32', shape: ['batch', 3069, 1] },
      { name: 'labels', elemType: 'int64', shape: ['K'] },
    ]);
  });

  it('leaves out weights that old IR versions also list as inputs', () => {
    const initializer = bytes(5, [...str(8, 'conv.weight'), ...bytes(9, [0, 0, 0, 0])]);
    const g = readOnnxGraph(
      model([
        ...initializer,
        ...valueInfo('x', 1, [1, 3, 8, 8]),
        ...valueInfo('conv.weight', 1, [4, 3, 3, 3]),
      ]),
    );
    expect(g.inputs.map((i) => i.name)).toEqual(['x']);
  });

  it('reads large varints (dims past 2^31) exactly', () => {
    const g = readOnnxGraph(model([...valueInfo('x', 1, [2 ** 33 + 5])]));
    expect(g.inputs[0]?.shape).toEqual([2 ** 33 + 5]);
  });

  it('refuses what is not a model, naming why', () => {
    expect(() => readOnnxGraph(new TextEncoder().encode('this is not a model'))).toThrow(/not an ONNX model/);
    expect(() => readOnnxGraph(new Uint8Array(0))).toThrow(/not an ONNX model/);
    const whole = model([...valueInfo('x', 1, [1, 3, 8, 8])]);
    expect(() => readOnnxGraph(whole.subarray(0, whole.length - 30))).toThrow(/not an ONNX model/);
  });
});
