// Readers for the files training/reference/*.py write: grey input patches and PyTorch's outputs.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Detections } from '../../src/shared/detection';
import type { ModelManifest } from '../../src/shared/model/manifest';
import { writePatch } from '../../src/shared/preprocessing';

interface Encoded {
  dtype: 'float32' | 'int64' | 'uint8';
  shape: number[];
  base64: string;
}

export interface Expected {
  model: string;
  inputFile: string;
  outputs: Record<string, Encoded>;
  detections: { boxes: number[][]; scores: number[]; labels: number[] }[];
}

interface InputFile {
  size: number;
  batch: number;
  items: Record<'z-1' | 'z' | 'z+1', Encoded>[];
}

export function decode(e: Encoded): Float32Array | BigInt64Array | Uint8Array {
  const buf = Buffer.from(e.base64, 'base64');
  const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  if (e.dtype === 'float32') return new Float32Array(bytes);
  if (e.dtype === 'int64') return new BigInt64Array(bytes);
  return new Uint8Array(bytes);
}

export function readExpected(file: string): Expected {
  return JSON.parse(readFileSync(file, 'utf8')) as Expected;
}

/** The model's input tensor for the expected file's patches, built by our preprocessing code. */
export function inputTensor(
  expectedFile: string,
  expected: Expected,
  manifest: ModelManifest,
): {
  data: Float32Array;
  dims: number[];
  batch: number;
} {
  const input = JSON.parse(
    readFileSync(join(dirname(expectedFile), expected.inputFile), 'utf8'),
  ) as InputFile;
  const { size, channels, layout } = manifest.input;
  const data = new Float32Array(input.batch * channels.length * size * size);
  input.items.forEach((item, i) => {
    const planes = channels.map((c) => decode(item[c]) as Uint8Array);
    writePatch(data, i, planes, size, size, { x: 0, y: 0 }, manifest.input);
  });
  const dims =
    layout === 'NCHW'
      ? [input.batch, channels.length, size, size]
      : [input.batch, size, size, channels.length];
  return { data, dims, batch: input.batch };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Our detections next to PyTorch's: same count, labels and order; boxes and scores within tolerance. */
export function compareDetections(
  ours: Detections,
  theirs: Expected['detections'][number],
): { count: [number, number]; box: number; score: number; labelsEqual: boolean } {
  return {
    count: [ours.scores.length, theirs.scores.length],
    box: maxAbsDiff(ours.boxes, theirs.boxes.flat()),
    score: maxAbsDiff(ours.scores, theirs.scores),
    labelsEqual: theirs.labels.every((l, i) => ours.labels[i] === l),
  };
}
