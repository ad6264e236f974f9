// Building, checking and cutting evaluation inputs (see types.ts for the columnar layout).
import type {
  BoxColumns,
  EvalGroundTruth,
  EvalImage,
  EvalInput,
  EvalPrediction,
  PredictionColumns,
} from './types';

/**
 * An input from rows. Rows are sorted stably by image, so within an image they keep the listed order
 * (the tie-break order of matching and AP). `labels` fixes the label list and its order; without it
 * the list is every label the rows carry, sorted. Throws a RangeError naming the bad row or field.
 */
export function evalInput(
  images: readonly EvalImage[],
  labels: readonly string[] | undefined,
  groundTruth: readonly EvalGroundTruth[],
  predictions: readonly EvalPrediction[],
): EvalInput {
  const keys = new Set<string>();
  images.forEach((img, i) => {
    if (typeof img.key !== 'string' || typeof img.patientId !== 'string') {
      throw new RangeError(`evalInput: images[${i}] needs a string key and patientId`);
    }
    if (keys.has(img.key)) throw new RangeError(`evalInput: images[${i}].key "${img.key}" is listed twice`);
    keys.add(img.key);
  });

  let labelList: string[];
  if (labels) {
    labelList = [...labels];
    if (new Set(labelList).size !== labelList.length)
      throw new RangeError('evalInput: labels has duplicates');
  } else {
    const seen = new Set<string>();
    for (const row of groundTruth) seen.add(row.label);
    for (const row of predictions) seen.add(row.label);
    labelList = [...seen].sort();
  }
  const labelIndex = new Map(labelList.map((l, i) => [l, i]));

  const check = (row: EvalGroundTruth, where: string): number => {
    if (!Number.isInteger(row.image) || row.image < 0 || row.image >= images.length) {
      throw new RangeError(
        `evalInput: ${where}.image ${row.image} is not an index into ${images.length} images`,
      );
    }
    const label = labelIndex.get(row.label);
    if (label === undefined)
      throw new RangeError(`evalInput: ${where}.label "${row.label}" is not in labels`);
    const b = row.box;
    if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => Number.isFinite(v))) {
      throw new RangeError(`evalInput: ${where}.box must be 4 finite numbers (x1, y1, x2, y2)`);
    }
    if (b[2] < b[0] || b[3] < b[1]) {
      throw new RangeError(`evalInput: ${where}.box [${b.join(', ')}] has x2 < x1 or y2 < y1`);
    }
    return label;
  };

  const gtLabels = groundTruth.map((row, i) => check(row, `groundTruth[${i}]`));
  const predLabels = predictions.map((row, i) => {
    const label = check(row, `predictions[${i}]`);
    if (!Number.isFinite(row.score)) throw new RangeError(`evalInput: predictions[${i}].score is not finite`);
    return label;
  });

  const gtOrder = stableOrderByImage(groundTruth, images.length);
  const predOrder = stableOrderByImage(predictions, images.length);
  const gt = emptyColumns(groundTruth.length);
  gtOrder.forEach((row, k) => {
    const r = groundTruth[row]!;
    gt.image[k] = r.image;
    gt.label[k] = gtLabels[row]!;
    gt.boxes.set(r.box, k * 4);
  });
  const pred: PredictionColumns = {
    ...emptyColumns(predictions.length),
    scores: new Float64Array(predictions.length),
  };
  predOrder.forEach((row, k) => {
    const r = predictions[row]!;
    pred.image[k] = r.image;
    pred.label[k] = predLabels[row]!;
    pred.boxes.set(r.box, k * 4);
    // −0 and 0 are one score (numpy sorts them as ties).
    pred.scores[k] = r.score + 0;
  });
  return {
    images: images.map((img) => ({ key: img.key, patientId: img.patientId })),
    labels: labelList,
    groundTruth: gt,
    predictions: pred,
  };
}

function emptyColumns(n: number): BoxColumns {
  return { image: new Int32Array(n), label: new Int32Array(n), boxes: new Float64Array(n * 4) };
}

/** Row indices sorted by image, listed order kept within an image (a counting sort). */
function stableOrderByImage(rows: readonly { image: number }[], numImages: number): Int32Array {
  const start = new Int32Array(numImages + 1);
  for (const r of rows) start[r.image + 1]!++;
  for (let i = 0; i < numImages; i++) start[i + 1]! += start[i]!;
  const order = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    order[start[r.image]!++] = i;
  });
  return order;
}

/** Where each image's rows start: rows of image i are [offsets[i], offsets[i + 1]). */
export type RowOffsets = Int32Array;

/**
 * Checks an input's columns (lengths, index ranges, rows grouped by ascending image, finite scores and
 * coordinates) and returns each column set's row offsets per image. Throws a RangeError saying what is
 * wrong: inputs are often built by hand (dataset.ts), and a silent mismatch would give wrong metrics.
 */
export function checkEvalInput(input: EvalInput): { groundTruth: RowOffsets; predictions: RowOffsets } {
  const numLabels = input.labels.length;
  const numImages = input.images.length;
  const offsets = (c: BoxColumns, what: string): RowOffsets => {
    const n = c.image.length;
    if (c.label.length !== n || c.boxes.length !== 4 * n) {
      throw new RangeError(`evaluation input: ${what} columns disagree in length`);
    }
    const start = new Int32Array(numImages + 1);
    let prev = 0;
    for (let k = 0; k < n; k++) {
      const img = c.image[k]!;
      if (img < 0 || img >= numImages) {
        throw new RangeError(`evaluation input: ${what} row ${k} has image ${img} of ${numImages}`);
      }
      if (img < prev) {
        throw new RangeError(`evaluation input: ${what} are not grouped by ascending image (row ${k})`);
      }
      prev = img;
      const label = c.label[k]!;
      if (label < 0 || label >= numLabels) {
        throw new RangeError(`evaluation input: ${what} row ${k} has label ${label} of ${numLabels}`);
      }
      start[img + 1]!++;
    }
    for (let k = 0; k < 4 * n; k++) {
      if (!Number.isFinite(c.boxes[k])) {
        throw new RangeError(`evaluation input: ${what} row ${k >> 2} has a non-finite coordinate`);
      }
    }
    for (let i = 0; i < numImages; i++) start[i + 1]! += start[i]!;
    return start;
  };
  const gt = offsets(input.groundTruth, 'ground-truth boxes');
  const pred = offsets(input.predictions, 'predictions');
  const scores = input.predictions.scores;
  if (scores.length !== input.predictions.image.length) {
    throw new RangeError('evaluation input: predictions have no score for every box');
  }
  for (let k = 0; k < scores.length; k++) {
    if (!Number.isFinite(scores[k]))
      throw new RangeError(`evaluation input: prediction ${k} has score ${scores[k]}`);
  }
  return { groundTruth: gt, predictions: pred };
}

/**
 * The input restricted to some images, in the order given (indices into `input.images`, each at most
 * once); each image keeps all its boxes in their order. Labels stay as they are.
 */
export function subsetByImages(input: EvalInput, imageIndices: ArrayLike<number>): EvalInput {
  const offsets = checkEvalInput(input);
  const seen = new Uint8Array(input.images.length);
  const images: EvalImage[] = [];
  for (let j = 0; j < imageIndices.length; j++) {
    const i = imageIndices[j]!;
    if (!Number.isInteger(i) || i < 0 || i >= input.images.length) {
      throw new RangeError(`subsetByImages: ${i} is not an image index (${input.images.length} images)`);
    }
    if (seen[i]) throw new RangeError(`subsetByImages: image ${i} is listed twice`);
    seen[i] = 1;
    images.push(input.images[i]!);
  }
  const gt = cutColumns(input.groundTruth, offsets.groundTruth, imageIndices);
  const pred = cutColumns(input.predictions, offsets.predictions, imageIndices);
  const scores = new Float64Array(pred.rows.length);
  pred.rows.forEach((row, k) => {
    scores[k] = input.predictions.scores[row]!;
  });
  return { images, labels: input.labels, groundTruth: gt.columns, predictions: { ...pred.columns, scores } };
}

/** The images of these patients (all of their images, in the input's order). */
export function subsetByPatients(input: EvalInput, patientIds: Iterable<string>): EvalInput {
  const wanted = new Set(patientIds);
  const indices: number[] = [];
  input.images.forEach((img, i) => {
    if (wanted.has(img.patientId)) indices.push(i);
  });
  return subsetByImages(input, indices);
}

function cutColumns(
  c: BoxColumns,
  offsets: RowOffsets,
  imageIndices: ArrayLike<number>,
): { columns: BoxColumns; rows: Int32Array } {
  let n = 0;
  for (let j = 0; j < imageIndices.length; j++) {
    const i = imageIndices[j]!;
    n += offsets[i + 1]! - offsets[i]!;
  }
  const out = emptyColumns(n);
  const rows = new Int32Array(n);
  let k = 0;
  for (let j = 0; j < imageIndices.length; j++) {
    const i = imageIndices[j]!;
    for (let row = offsets[i]!; row < offsets[i + 1]!; row++, k++) {
      rows[k] = row;
      out.image[k] = j;
      out.label[k] = c.label[row]!;
      out.boxes.set(c.boxes.subarray(row * 4, row * 4 + 4), k * 4);
    }
  }
  return { columns: out, rows };
}
