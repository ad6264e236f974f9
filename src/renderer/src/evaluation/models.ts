// The models being compared, as the evaluation sees them: a run is one model on one series, so a
// model's evaluation input pools its runs over the series of the cohort. Pure functions (no Svelte),
// shared by the comparison grid and the evaluation view.
import type { EvaluationDataset } from '../../../shared/evaluation/dataset';
import type { EvalInput } from '../../../shared/evaluation/types';
import type { ModelId, RunId, SeriesUid } from '../../../shared/ids';
import type { FoldAssignment } from '../../../shared/evaluation/dataset';
import { prepareEvaluation, type PreparedEvaluation } from '../../../shared/evaluation/prepared';
import type { ModelSummary, RunSummary } from '../../../shared/inference/schemas';
import { pooledEvalInput } from '../../../shared/evaluation/pooling';

export interface ModelGroup {
  /** Stable key for lists and grid cells. */
  key: string;
  modelId: ModelId;
  name: string;
  /** From the model's manifest; null when the model is no longer registered. */
  backbone: string | null;
  slices: 1 | 3 | null;
  /** Indices into the dataset's runs, one per series. */
  runIndices: number[];
  runIds: RunId[];
  /** The runs pooled: every slice of every series the model ran on. */
  input: EvalInput;
  /** Input image index → dataset image index. */
  datasetImage: Int32Array;
  /** Dataset image index → input image index, or −1 where the model has no run. */
  localImage: Int32Array;
  /** Start of each image's ground-truth boxes in `input.groundTruth` (length images + 1). */
  gtStart: Int32Array;
  /** Start of each image's predictions in `input.predictions` (length images + 1). */
  predStart: Int32Array;
  seriesUids: ReadonlySet<SeriesUid>;
}

/** "ResNet152" after "ResNet50": digits compare as numbers. */
const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Where each image's boxes start in columns grouped by ascending image. */
export function imageStarts(image: Int32Array, images: number): Int32Array {
  const start = new Int32Array(images + 1);
  for (const i of image) start[i + 1]!++;
  for (let i = 0; i < images; i++) start[i + 1]! += start[i]!;
  return start;
}

/** What a model is, for labels: "ResNet50 · 3-slice". */
export function describeModel(g: Pick<ModelGroup, 'backbone' | 'slices'>): string {
  return [g.backbone, g.slices ? `${g.slices}-slice` : null].filter((s) => s !== null).join(' · ');
}

/**
 * One group per model among the dataset's runs, ordered as the paper's tables are: by input
 * (1-slice first), then backbone, then name. A model's runs must cover different series (pooling
 * refuses overlapping runs); `pickRuns` chooses such a set.
 */
export function groupModels(dataset: EvaluationDataset, models: readonly ModelSummary[]): ModelGroup[] {
  const byModel = new Map<ModelId, number[]>();
  dataset.runs.forEach((r, i) => {
    const list = byModel.get(r.run.modelId);
    if (list) list.push(i);
    else byModel.set(r.run.modelId, [i]);
  });
  const n = dataset.images.length;
  const groups: ModelGroup[] = [];
  for (const [modelId, runIndices] of byModel) {
    const first = dataset.runs[runIndices[0]!]!.run;
    const manifest = models.find((m) => m.id === modelId)?.manifest;
    const input = pooledEvalInput(dataset, runIndices);
    const localImage = new Int32Array(n).fill(-1);
    for (const r of runIndices) for (const i of dataset.runs[r]!.images) localImage[i] = 0;
    const datasetImage = new Int32Array(input.images.length);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (localImage[i] === -1) continue;
      localImage[i] = k;
      datasetImage[k++] = i;
    }
    groups.push({
      key: `model-${modelId}`,
      modelId,
      name: manifest?.name ?? first.modelName,
      backbone: manifest?.backbone ?? null,
      slices: manifest?.input.slices ?? null,
      runIndices,
      runIds: runIndices.map((r) => dataset.runs[r]!.run.id),
      input,
      datasetImage,
      localImage,
      gtStart: imageStarts(input.groundTruth.image, input.images.length),
      predStart: imageStarts(input.predictions.image, input.images.length),
      seriesUids: new Set(runIndices.map((r) => dataset.runs[r]!.run.seriesUid)),
    });
  }
  return groups.sort(
    (a, b) =>
      (a.slices ?? 9) - (b.slices ?? 9) ||
      natural.compare(a.backbone ?? '', b.backbone ?? '') ||
      natural.compare(a.name, b.name) ||
      a.modelId - b.modelId,
  );
}

/**
 * The runs evaluated by default: every finished run, the newest of a model on a series when it ran
 * there more than once (two runs of one model on one series cannot be pooled).
 */
export function pickRuns(runs: readonly RunSummary[]): RunId[] {
  const newest = new Map<string, RunSummary>();
  for (const r of runs) {
    if (r.status !== 'done') continue;
    const key = `${r.modelId}|${r.seriesUid}`;
    const had = newest.get(key);
    if (!had || r.id > had.id) newest.set(key, r);
  }
  return [...newest.values()].map((r) => r.id).sort((a, b) => a - b);
}

/** The runs of `runs` that clash with `run` (same model, same series): choosing one drops the others. */
export function clashingRuns(runs: readonly RunSummary[], run: RunSummary): RunId[] {
  return runs
    .filter((r) => r.id !== run.id && r.modelId === run.modelId && r.seriesUid === run.seriesUid)
    .map((r) => r.id);
}

/**
 * One input of several models' inputs over the same cohort, each model's images counted as images of
 * their own (keys prefixed by the model): the pooled detections of a group of models (Table 2 by
 * input type, Table 3 by backbone). Patients keep their IDs, so the bootstrap and the folds resample a
 * patient with all the group's images of them.
 */
export function concatInputs(parts: readonly { key: string; input: EvalInput }[]): EvalInput {
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  const labelOf = (name: string): number => {
    let i = labelIndex.get(name);
    if (i === undefined) {
      i = labels.length;
      labels.push(name);
      labelIndex.set(name, i);
    }
    return i;
  };
  const images: EvalInput['images'][number][] = [];
  let gtCount = 0;
  let predCount = 0;
  for (const p of parts) {
    gtCount += p.input.groundTruth.image.length;
    predCount += p.input.predictions.image.length;
  }
  const gt = {
    image: new Int32Array(gtCount),
    label: new Int32Array(gtCount),
    boxes: new Float64Array(gtCount * 4),
  };
  const pred = {
    image: new Int32Array(predCount),
    label: new Int32Array(predCount),
    boxes: new Float64Array(predCount * 4),
    scores: new Float64Array(predCount),
  };
  let g = 0;
  let q = 0;
  for (const p of parts) {
    const offset = images.length;
    for (const img of p.input.images) images.push({ key: `${p.key}/${img.key}`, patientId: img.patientId });
    const map = p.input.labels.map(labelOf);
    const s = p.input.groundTruth;
    for (let j = 0; j < s.image.length; j++, g++) {
      gt.image[g] = s.image[j]! + offset;
      gt.label[g] = map[s.label[j]!]!;
    }
    gt.boxes.set(s.boxes, (g - s.image.length) * 4);
    const t = p.input.predictions;
    for (let j = 0; j < t.image.length; j++, q++) {
      pred.image[q] = t.image[j]! + offset;
      pred.label[q] = map[t.label[j]!]!;
      pred.scores[q] = t.scores[j]!;
    }
    pred.boxes.set(t.boxes, (q - t.image.length) * 4);
  }
  return { images, labels, groundTruth: gt, predictions: pred };
}

/** Each model's input matched at `iou`, by model key. */
export function prepareAll(
  groups: readonly ModelGroup[],
  iou: number,
): ReadonlyMap<string, PreparedEvaluation> {
  return new Map(groups.map((g) => [g.key, prepareEvaluation(g.input, iou)]));
}

/** Each patient's stored fold, by patient ID. */
export function foldMapOf(folds: FoldAssignment | null): ReadonlyMap<string, number> {
  return new Map((folds?.folds ?? []).map((f) => [f.patientId, f.fold]));
}

/** Distinct non-null values in first-seen order. */
export function distinct<T>(values: readonly (T | null)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null))];
}

/** Items by key. */
export function byKey<T extends { key: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((x) => [x.key, x]));
}
