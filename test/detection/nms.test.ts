import { describe, expect, it } from 'vitest';
import { batchedNms, nms, nmsTensorflow } from '../../src/shared/detection';

const boxes = (...b: number[][]) => Float32Array.from(b.flat());
const list = (a: Int32Array) => Array.from(a);

/** A seeded generator (mulberry32) so the random cases are reproducible. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random boxes 4…44 px wide, or with `mixed` also tiny, huge and (1 in 20) flipped ones. */
function randomBoxes(n: number, seed: number, extent: number, mixed = false) {
  const r = random(seed);
  const b = new Float32Array(n * 4);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = r() * extent;
    const y = r() * extent;
    const size = mixed ? [0.5, 20, 150][i % 3]! : 40;
    const w = (mixed ? 0 : 4) + r() * size;
    const h = (mixed ? 0 : 4) + r() * size;
    b.set(mixed && i % 20 === 7 ? [x + w, y + h, x, y] : [x, y, x + w, y + h], 4 * i);
    scores[i] = r();
  }
  return { boxes: b, scores };
}

function iou(b: Float32Array, i: number, j: number): number {
  const w = Math.max(0, Math.min(b[4 * i + 2]!, b[4 * j + 2]!) - Math.max(b[4 * i]!, b[4 * j]!));
  const h = Math.max(0, Math.min(b[4 * i + 3]!, b[4 * j + 3]!) - Math.max(b[4 * i + 1]!, b[4 * j + 1]!));
  const area = (k: number) => (b[4 * k + 2]! - b[4 * k]!) * (b[4 * k + 3]! - b[4 * k + 1]!);
  return (w * h) / (area(i) + area(j) - w * h);
}

/** torchvision's CPU kernel as written: sort, then each kept box suppresses all later overlapping ones. */
function referenceNms(b: Float32Array, scores: Float32Array, threshold: number): number[] {
  const order = Array.from(scores.keys()).sort((i, j) => scores[j]! - scores[i]! || i - j);
  const suppressed = new Uint8Array(scores.length);
  const keep: number[] = [];
  order.forEach((i, a) => {
    if (suppressed[i]) return;
    keep.push(i);
    for (const j of order.slice(a + 1)) if (!suppressed[j] && iou(b, i, j) > threshold) suppressed[j] = 1;
  });
  return keep;
}

describe('nms (torchvision semantics)', () => {
  it('keeps nothing of nothing', () => {
    expect(list(nms(new Float32Array(0), new Float32Array(0), 0.5))).toEqual([]);
    expect(list(batchedNms(new Float32Array(0), [], [], 0.5))).toEqual([]);
  });

  it('returns kept indices best score first', () => {
    const b = boxes([0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]);
    expect(list(nms(b, [0.5, 0.9, 0.7], 0.5))).toEqual([1, 2]);
  });

  it('breaks score ties by the lower index, as torchvision stable sort does', () => {
    const b = boxes([0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10], [20, 20, 30, 30]);
    expect(list(nms(b, [0.5, 0.5, 0.5, 0.5], 0.5))).toEqual([0, 3]);
    expect(list(nms(b, [0.5, 0.5, 0.5, 0.5], 0.5, [2, 1, 3]))).toEqual([1, 3]);
  });

  it('suppresses only when IoU exceeds the threshold', () => {
    // IoU exactly 0.5: 50 / (100 + 50 − 50).
    const b = boxes([0, 0, 10, 10], [0, 0, 10, 5]);
    expect(list(nms(b, [0.9, 0.8], 0.5))).toEqual([0, 1]);
    expect(list(nms(b, [0.9, 0.8], 0.49))).toEqual([0]);
  });

  it('never suppresses with or by boxes without area (IoU 0 or NaN)', () => {
    const b = boxes([0, 0, 0, 10], [0, 0, 0, 10], [5, 5, 5, 5], [0, 0, 10, 10]);
    expect(list(nms(b, [0.9, 0.8, 0.7, 0.6], 0.1))).toEqual([0, 1, 2, 3]);
  });

  it('considers only the given candidates', () => {
    const b = boxes([0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10]);
    expect(list(nms(b, [0.9, 0.8, 0.7], 0.5, [1, 2]))).toEqual([1]);
  });

  it('agrees with the all-pairs loop on random boxes', () => {
    for (const seed of [1, 2, 3]) {
      const { boxes: b, scores } = randomBoxes(600, seed, 200);
      expect(list(nms(b, scores, 0.5))).toEqual(referenceNms(b, scores, 0.5));
      expect(list(nms(b, scores, 0.3))).toEqual(referenceNms(b, scores, 0.3));
    }
    const { boxes: b, scores } = randomBoxes(600, 4, 200, true);
    expect(list(nms(b, scores, 0.5))).toEqual(referenceNms(b, scores, 0.5));
    expect(list(nms(b, scores, 0.1))).toEqual(referenceNms(b, scores, 0.1));
  });

  it('handles 10k boxes (the merged tiles of a slice)', () => {
    const { boxes: b, scores } = randomBoxes(10_000, 7, 1000);
    const keep = nms(b, scores, 0.5);
    expect(keep.length).toBeGreaterThan(1000);
    expect(keep.length).toBeLessThan(10_000);
    for (let k = 1; k < keep.length; k++)
      expect(scores[keep[k]!]!).toBeLessThanOrEqual(scores[keep[k - 1]!]!);
    const labels = Int32Array.from(scores, (_, i) => i % 3);
    const perClass = batchedNms(b, scores, labels, 0.5);
    expect(perClass.length).toBeGreaterThan(keep.length);
  });
});

describe('batchedNms (torchvision batched_nms)', () => {
  const b = boxes([0, 0, 10, 10], [0, 0, 10, 10], [1, 0, 11, 10], [40, 40, 50, 50]);

  it('suppresses within a label only', () => {
    expect(list(batchedNms(b, [0.9, 0.8, 0.7, 0.6], [0, 1, 1, 0], 0.5))).toEqual([0, 1, 3]);
    expect(list(batchedNms(b, [0.9, 0.8, 0.7, 0.6], [0, 0, 0, 0], 0.5))).toEqual([0, 3]);
    expect(list(batchedNms(b, [0.9, 0.8, 0.7, 0.6], [0, 1, 2, 3], 0.5))).toEqual([0, 1, 2, 3]);
  });

  it('sorts the result by score over all labels', () => {
    expect(list(batchedNms(b, [0.2, 0.8, 0.7, 0.9], [0, 1, 1, 0], 0.5))).toEqual([3, 1, 0]);
  });

  it('equals NMS run per label and merged by score', () => {
    const { boxes: rb, scores } = randomBoxes(900, 11, 150);
    const labels = Int32Array.from(scores, (_, i) => (i * 7) % 4);
    const merged: number[] = [];
    for (let c = 0; c < 4; c++) {
      const members = Array.from(labels.keys()).filter((i) => labels[i] === c);
      merged.push(...nms(rb, scores, 0.5, members));
    }
    merged.sort((i, j) => scores[j]! - scores[i]! || i - j);
    expect(list(batchedNms(rb, scores, labels, 0.5))).toEqual(merged);
  });

  it('rejects mismatched lengths', () => {
    expect(() => batchedNms(b, [0.9], [0], 0.5)).toThrow(/4 boxes but 1 scores/);
  });
});

describe('nmsTensorflow (tf.image.non_max_suppression)', () => {
  it('stops at maxOutput', () => {
    const b = boxes([0, 0, 10, 10], [20, 0, 30, 10], [40, 0, 50, 10]);
    expect(list(nmsTensorflow(b, [0.7, 0.9, 0.8], 0.5, 2))).toEqual([1, 2]);
  });

  it('reads corners in either order and treats boxes without area as not overlapping', () => {
    const b = boxes([0, 0, 10, 10], [10, 10, 0, 0], [3, 3, 3, 8]);
    expect(list(nmsTensorflow(b, [0.9, 0.8, 0.7], 0.5, 10))).toEqual([0, 2]);
  });

  it('suppresses only above the threshold', () => {
    const b = boxes([0, 0, 10, 10], [0, 0, 10, 5]);
    expect(list(nmsTensorflow(b, [0.9, 0.8], 0.5, 10))).toEqual([0, 1]);
    expect(list(nmsTensorflow(b, [0.9, 0.8], 0.49, 10))).toEqual([0]);
  });
});
