import type { ModelManifest, PostprocessSettings } from '../model/manifest';
import type { Anchors } from './anchors';
import { decodeKeras, decodeTorchvision, type KerasCoding, type TorchvisionCoding } from './boxCoder';
import { batchedNms, nmsTensorflow, orderByScore } from './nms';
import type { Detections, RawTensor } from './types';

const f = Math.fround;

/** Detections for the entries in `keep`; entry i has box row rows[i] (i itself when rows is null). */
function gather(
  boxes: Float32Array,
  rows: ArrayLike<number> | null,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  keep: ArrayLike<number>,
): Detections {
  const out: Detections = {
    boxes: new Float32Array(keep.length * 4),
    scores: new Float32Array(keep.length),
    labels: new Int32Array(keep.length),
  };
  for (let k = 0; k < keep.length; k++) {
    const i = keep[k]!;
    const row = rows ? rows[i]! : i;
    out.boxes.set(boxes.subarray(4 * row, 4 * row + 4), 4 * k);
    out.scores[k] = scores[i]!;
    out.labels[k] = labels[i]!;
  }
  return out;
}

function clipBoxes(boxes: Float32Array, max: number): void {
  for (let i = 0; i < boxes.length; i++) boxes[i] = Math.min(Math.max(boxes[i]!, 0), max);
}

function expectLength(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what} has ${actual} values; expected ${expected}`);
}

export interface TorchvisionRawInput {
  /** A·C logits, anchors in `anchors` order. */
  classLogits: Float32Array;
  /** A·4 deltas. */
  boxRegression: Float32Array;
  numClasses: number;
  anchors: Float32Array;
  perLevel: number[];
  imageSize: number;
  coding: TorchvisionCoding;
  settings: PostprocessSettings;
}

/** torchvision 0.14 RetinaNet.postprocess_detections for one image. */
export function postprocessTorchvisionRaw(p: TorchvisionRawInput): Detections {
  const { classLogits, numClasses: c, settings } = p;
  const total = p.perLevel.reduce((a, b) => a + b, 0);
  expectLength('anchors', p.anchors.length, total * 4);
  expectLength('class logits', classLogits.length, total * c);
  expectLength('box regression', p.boxRegression.length, total * 4);

  // torch compares a float32 tensor with a Python float in float32.
  const threshold = f(settings.scoreThreshold);
  const anchorIdx: number[] = [];
  const scores: number[] = [];
  const labels: number[] = [];
  let first = 0;
  for (const count of p.perLevel) {
    // Per level: sigmoid, keep > threshold, the best topKCandidates of (anchor, class) pairs.
    const idx: number[] = [];
    const levelScores: number[] = [];
    for (let i = first * c; i < (first + count) * c; i++) {
      const s = f(1 / (1 + Math.exp(-classLogits[i]!)));
      if (s > threshold) {
        idx.push(i);
        levelScores.push(s);
      }
    }
    const order = orderByScore(levelScores);
    for (let k = 0; k < Math.min(settings.topKCandidates, order.length); k++) {
      const j = order[k]!;
      anchorIdx.push(Math.floor(idx[j]! / c));
      labels.push(idx[j]! % c);
      scores.push(levelScores[j]!);
    }
    first += count;
  }
  const boxes = decodeTorchvision(p.boxRegression, p.anchors, p.coding, anchorIdx);
  clipBoxes(boxes, p.imageSize);
  const keep = batchedNms(boxes, scores, labels, settings.nmsIouThreshold);
  return gather(boxes, null, scores, labels, keep.subarray(0, settings.detectionsPerImage));
}

export interface KerasRawInput {
  /** A·C class probabilities (the model applies the sigmoid). */
  classification: Float32Array;
  /** A·4 deltas. */
  regression: Float32Array;
  numClasses: number;
  anchors: Float32Array;
  imageSize: number;
  coding: KerasCoding;
  settings: PostprocessSettings;
}

/**
 * keras-retinanet's retinanet_bbox for one image: RegressBoxes, ClipBoxes (to size − 1, as
 * layers/_misc.py does), filter_detections with class_specific_filter (per class: score >
 * threshold, NMS keeping at most detectionsPerImage; then the best detectionsPerImage over all).
 * keras-retinanet has no per-level top-k, so settings.topKCandidates is not used here.
 */
export function postprocessKerasRaw(p: KerasRawInput): Detections {
  const { classification, numClasses: c, settings } = p;
  const total = p.anchors.length / 4;
  expectLength('classification', classification.length, total * c);
  const boxes = decodeKeras(p.regression, p.anchors, p.coding);
  clipBoxes(boxes, p.imageSize - 1);
  // TF compares float32 scores with the threshold cast to float32.
  const threshold = f(settings.scoreThreshold);
  const classScores = new Float32Array(total);
  const anchorIdx: number[] = [];
  const scores: number[] = [];
  const labels: number[] = [];
  for (let label = 0; label < c; label++) {
    const candidates: number[] = [];
    for (let a = 0; a < total; a++) {
      classScores[a] = classification[a * c + label]!;
      if (classScores[a]! > threshold) candidates.push(a);
    }
    const { nmsIouThreshold, detectionsPerImage } = settings;
    for (const a of nmsTensorflow(boxes, classScores, nmsIouThreshold, detectionsPerImage, candidates)) {
      anchorIdx.push(a);
      scores.push(classScores[a]!);
      labels.push(label);
    }
  }
  // tf.nn.top_k over the concatenation: best first, equal scores in concatenation order.
  const top = orderByScore(scores).subarray(0, settings.detectionsPerImage);
  return gather(boxes, anchorIdx, scores, labels, top);
}

function describe(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

function tensor(outputs: Record<string, RawTensor>, name: string): RawTensor {
  const t = outputs[name];
  if (!t) {
    const names = Object.keys(outputs).join(', ') || 'none';
    throw new Error(`the model returned no output "${name}" (its outputs: ${names})`);
  }
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) {
    throw new Error(`output "${name}" has shape ${describe(t.dims)} but ${t.data.length} values`);
  }
  return t;
}

function floats(name: string, t: RawTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data instanceof Float64Array) return Float32Array.from(t.data);
  throw new Error(`output "${name}" holds integers; expected floating point`);
}

/** Names of one image's outputs, for error messages. */
export interface PostprocessedNames {
  boxes: string;
  scores: string;
  labels: string;
}

/**
 * One image's outputs of a graph exported with torchvision's postprocessing: boxes [K, 4], scores
 * [K], labels [K] (int64 in torchvision's export). Labels are the graph's class indices.
 */
export function detectionsFromPostprocessed(
  boxes: RawTensor,
  scores: RawTensor,
  labels: RawTensor,
  names: PostprocessedNames = { boxes: 'boxes', scores: 'scores', labels: 'labels' },
): Detections {
  const k = boxes.dims[0] ?? -1;
  if (boxes.dims.length !== 2 || boxes.dims[1] !== 4) {
    throw new Error(`output "${names.boxes}" has shape ${describe(boxes.dims)}; expected [K, 4]`);
  }
  for (const [name, t] of [
    [names.scores, scores],
    [names.labels, labels],
  ] as const) {
    if (t.dims.length !== 1 || t.dims[0] !== k) {
      throw new Error(`output "${name}" has shape ${describe(t.dims)}; expected [${k}], one per box`);
    }
  }
  const labelData = labels.data;
  return {
    boxes: Float32Array.from(floats(names.boxes, boxes)),
    scores: Float32Array.from(floats(names.scores, scores)),
    labels:
      labelData instanceof BigInt64Array
        ? Int32Array.from(labelData, (v) => Number(v))
        : Int32Array.from(labelData),
  };
}

/** A raw head output [N, A, last] of which the first `batch` items are used. */
function headOutput(
  outputs: Record<string, RawTensor>,
  name: string,
  batch: number,
  anchors: number,
  last: number,
  what: string,
): Float32Array {
  const t = tensor(outputs, name);
  const [n, a, l] = t.dims;
  if (t.dims.length !== 3 || (n ?? 0) < batch || a !== anchors || l !== last) {
    throw new Error(
      `output "${name}" has shape ${describe(t.dims)}; expected [N, ${anchors}, ${last}] with N ≥ ${batch} (${what})`,
    );
  }
  return floats(name, t);
}

function requireAnchors(anchors: Anchors | null, kind: string): Anchors {
  if (!anchors) throw new Error(`a ${kind} model needs anchors to decode its outputs`);
  const total = anchors.perLevel.reduce((a, b) => a + b, 0);
  expectLength('anchors', anchors.anchors.length, total * 4);
  return anchors;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Detections of each of the first `batchCount` batch items, from the model's outputs as the
 * manifest describes them. Throws, naming the output and the expected and actual shapes, when the
 * outputs do not fit the manifest (a wrong model or manifest).
 */
export function decodeOutputs(
  manifest: ModelManifest,
  outputs: Record<string, RawTensor>,
  batchCount: number,
  anchors: Anchors | null,
): Detections[] {
  if (!Number.isInteger(batchCount) || batchCount < 0) throw new Error(`invalid batch count ${batchCount}`);
  const layout = manifest.output;
  const settings = manifest.postprocess;
  const imageSize = manifest.input.size;
  const numClasses = manifest.classNames.length;
  const classes = `${numClasses} class${numClasses === 1 ? '' : 'es'}`;
  switch (layout.kind) {
    case 'torchvision-postprocessed': {
      if (batchCount > layout.images.length) {
        throw new Error(
          `the manifest names outputs for ${layout.images.length} images; the batch has ${batchCount}`,
        );
      }
      return range(batchCount).map((i) => {
        const names = layout.images[i]!;
        const get = (name: string) => tensor(outputs, name);
        return detectionsFromPostprocessed(get(names.boxes), get(names.scores), get(names.labels), names);
      });
    }
    case 'torchvision-raw': {
      const coding = manifest.boxCoding;
      if (coding?.kind !== 'torchvision')
        throw new Error('a torchvision-raw model needs torchvision box coding');
      const a = requireAnchors(anchors, layout.kind);
      const count = a.anchors.length / 4;
      const why = `${count} anchors at ${imageSize} px`;
      const logits = headOutput(
        outputs,
        layout.classLogits,
        batchCount,
        count,
        numClasses,
        `${why}, ${classes}`,
      );
      const regression = headOutput(outputs, layout.boxRegression, batchCount, count, 4, why);
      return range(batchCount).map((b) =>
        postprocessTorchvisionRaw({
          classLogits: logits.subarray(b * count * numClasses, (b + 1) * count * numClasses),
          boxRegression: regression.subarray(b * count * 4, (b + 1) * count * 4),
          numClasses,
          anchors: a.anchors,
          perLevel: a.perLevel,
          imageSize,
          coding,
          settings,
        }),
      );
    }
    case 'keras-retinanet-raw': {
      const coding = manifest.boxCoding;
      if (coding?.kind !== 'keras-retinanet') {
        throw new Error('a keras-retinanet-raw model needs keras-retinanet box coding');
      }
      const a = requireAnchors(anchors, layout.kind);
      const count = a.anchors.length / 4;
      const why = `${count} anchors at ${imageSize} px`;
      const probs = headOutput(
        outputs,
        layout.classification,
        batchCount,
        count,
        numClasses,
        `${why}, ${classes}`,
      );
      const regression = headOutput(outputs, layout.regression, batchCount, count, 4, why);
      return range(batchCount).map((b) =>
        postprocessKerasRaw({
          classification: probs.subarray(b * count * numClasses, (b + 1) * count * numClasses),
          regression: regression.subarray(b * count * 4, (b + 1) * count * 4),
          numClasses,
          anchors: a.anchors,
          imageSize,
          coding,
          settings,
        }),
      );
    }
  }
}
