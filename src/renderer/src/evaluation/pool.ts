// One model's runs pooled into one evaluation input over the union of their images: the same result
// as `pooledEvalInput` in shared/evaluation/dataset.ts. Written again here because that module builds
// zod schemas when it loads, and zod probes `new Function` as it does, which the renderer's CSP reports
// as a violation (the renderer bundles no zod; see inference/format.ts). Once the pooling lives in a
// zod-free shared module this file should re-export it instead.
import type { EvaluationDataset } from '../../../shared/evaluation/dataset';
import type { EvalImage, EvalInput } from '../../../shared/evaluation/types';

interface Columns {
  image: Int32Array;
  label: Int32Array;
  boxes: Float64Array;
}

/**
 * The runs' predictions and the ground truth on their images, image indices renumbered to the pooled
 * list (dataset order, so boxes stay grouped by ascending image). Runs must cover disjoint images.
 */
export function pooledEvalInput(dataset: EvaluationDataset, runIndices: readonly number[]): EvalInput {
  const n = dataset.images.length;
  const local = new Int32Array(n).fill(-1);
  const runs = runIndices.map((r) => {
    const run = dataset.runs[r];
    if (!run) throw new RangeError(`no run at index ${r} (the dataset has ${dataset.runs.length})`);
    for (const i of run.images) {
      if (local[i] !== -1) throw new RangeError(`runs overlap on slice ${dataset.images[i]?.key ?? i}`);
      local[i] = 0;
    }
    return run;
  });
  const images: EvalImage[] = [];
  for (let i = 0; i < n; i++) {
    if (local[i] === -1) continue;
    local[i] = images.length;
    const img = dataset.images[i]!;
    images.push({ key: img.key, patientId: img.patientId });
  }
  // Predictions of all runs in image order; within an image one run's, in its stored order (stable).
  const rows: [run: number, row: number][] = [];
  runs.forEach((r, ri) => {
    for (let j = 0; j < r.predictions.image.length; j++) rows.push([ri, j]);
  });
  rows.sort((a, b) => runs[a[0]]!.predictions.image[a[1]]! - runs[b[0]]!.predictions.image[b[1]]!);
  const count = rows.length;
  const predictions = {
    image: new Int32Array(count),
    label: new Int32Array(count),
    boxes: new Float64Array(count * 4),
    scores: new Float64Array(count),
  };
  rows.forEach(([ri, j], k) => {
    const p = runs[ri]!.predictions;
    predictions.image[k] = local[p.image[j]!]!;
    predictions.label[k] = p.label[j]!;
    predictions.boxes.set(p.boxes.subarray(j * 4, j * 4 + 4), k * 4);
    predictions.scores[k] = p.scores[j]!;
  });
  return { images, labels: dataset.labels, groundTruth: keep(dataset.groundTruth, local), predictions };
}

/** Boxes on kept images (local index ≥ 0), renumbered; order kept. */
function keep(c: Columns, local: Int32Array): Columns {
  const rows: number[] = [];
  for (let j = 0; j < c.image.length; j++) if ((local[c.image[j]!] ?? -1) >= 0) rows.push(j);
  const out = {
    image: new Int32Array(rows.length),
    label: new Int32Array(rows.length),
    boxes: new Float64Array(rows.length * 4),
  };
  rows.forEach((j, k) => {
    out.image[k] = local[c.image[j]!]!;
    out.label[k] = c.label[j]!;
    out.boxes.set(c.boxes.subarray(j * 4, j * 4 + 4), k * 4);
  });
  return out;
}
