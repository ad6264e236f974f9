// A minimal protobuf writer for building ONNX ModelProtos field by field in tests (onnx.proto numbers).
export const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
export const bytes = (no: number, payload: number[]): number[] => [
  ...varint(no * 8 + 2),
  ...varint(payload.length),
  ...payload,
];
export const str = (no: number, s: string): number[] => bytes(no, [...new TextEncoder().encode(s)]);
export const int = (no: number, n: number): number[] => [...varint(no * 8), ...varint(n)];

const dim = (d: number | string): number[] => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d));
const typeProto = (elem: number, dims: (number | string)[]): number[] =>
  bytes(2, bytes(1, [...int(1, elem), ...bytes(2, dims.flatMap(dim))]));

/** A graph input (field 11) or output (field 12). */
export const valueInfo = (field: 11 | 12, name: string, elem: number, dims: (number | string)[]): number[] =>
  bytes(field, [...str(1, name), ...typeProto(elem, dims)]);

/** A node (graph field 1): inputs, outputs, op type. */
export const node = (inputs: string[], outputs: string[], opType: string): number[] =>
  bytes(1, [...inputs.flatMap((i) => str(1, i)), ...outputs.flatMap((o) => str(2, o)), ...str(4, opType)]);

export function modelProto(graph: number[], metadata: Record<string, string> = {}): Uint8Array {
  return Uint8Array.from([
    ...int(1, 8),
    ...str(2, 'pytorch'),
    ...bytes(8, [...str(1, ''), ...int(2, 17)]),
    ...bytes(7, [...str(2, 'main'), ...graph]),
    ...Object.entries(metadata).flatMap(([k, v]) => bytes(14, [...str(1, k), ...str(2, v)])),
  ]);
}
