import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Detections } from '../../src/shared/detection';
import type { AnchorSettings, PostprocessSettings } from '../../src/shared/model/manifest';

/** Written by training/reference/make_decode_fixtures.py. */
export interface AnchorFixture {
  imageSize: number;
  perLevel: number[];
  anchors: number[];
}
export interface ExpectedDetections {
  boxes: number[];
  scores: number[];
  labels: number[];
}
interface CaseBase {
  name: string;
  inputs: string;
  settings: PostprocessSettings;
  expected: ExpectedDetections;
}
export interface TorchvisionFixture {
  imageSize: number;
  anchorSettings: AnchorSettings;
  anchors: Record<'default128' | 'exact128' | 'default100', AnchorFixture>;
  inputs: Record<string, { numClasses: number; classLogits: number[]; boxRegression: number[] }>;
  cases: (CaseBase & { weights: [number, number, number, number]; clip: number })[];
}
export interface KerasFixture {
  imageSize: number;
  anchorSettings: AnchorSettings;
  anchors: Record<'default128' | 'default100', AnchorFixture>;
  inputs: Record<string, { numClasses: number; classification: number[]; regression: number[] }>;
  cases: (CaseBase & { mean: [number, number, number, number]; std: [number, number, number, number] })[];
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/detection/${name}`, import.meta.url), 'utf8')) as T;
}

export const torchvisionFixture = load<TorchvisionFixture>('torchvision_decode.json');
export const kerasFixture = load<KerasFixture>('keras_decode.json');

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** Same count, same order: boxes within 1e-3 px, scores within 1e-6, labels equal. */
export function expectDetections(actual: Detections, expected: ExpectedDetections): void {
  expect(actual.scores.length).toBe(expected.scores.length);
  expect(Array.from(actual.labels)).toEqual(expected.labels);
  expect(maxAbsDiff(actual.scores, expected.scores)).toBeLessThanOrEqual(1e-6);
  expect(maxAbsDiff(actual.boxes, expected.boxes)).toBeLessThanOrEqual(1e-3);
}
