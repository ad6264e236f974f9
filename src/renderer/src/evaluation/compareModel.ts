// Pure helpers of the comparison view: which boxes of a slice are true positives, false positives
// and missed ground truth at the current threshold; per-case counts; the slice a case row jumps to;
// the next slice where the models disagree.
import type { PreparedEvaluation } from '../../../shared/evaluation/prepared';
import type { EvaluationDataset } from '../../../shared/evaluation/dataset';
import type { SeriesUid } from '../../../shared/ids';
import type { ModelGroup } from './models';
import type { BoxKind } from './palette';

/** The matches of a prepared evaluation: prediction → ground truth it hits, ground truth → its prediction. */
export type PreparedLike = Pick<PreparedEvaluation, 'predictionMatch' | 'gtMatchedBy'>;

export interface PerImage {
  tp: Int32Array;
  fp: Int32Array;
  fn: Int32Array;
}

export interface DrawnBox {
  kind: BoxKind;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  label: string;
  /** The prediction's score (tp, fp) or the score of the prediction that found it (gt); null for fn. */
  score: number | null;
  /** Index in the model's input columns (ground truth for gt/fn, predictions for tp/fp). */
  index: number;
}

export interface SliceBoxes {
  boxes: DrawnBox[];
  tp: number;
  fp: number;
  fn: number;
}

/**
 * A model's boxes on one of its images at score threshold `t`. The matching is greedy in score order,
 * so a prediction's match does not depend on lower-scored predictions: at threshold t the predictions
 * with score ≥ t keep the matches they have over all predictions, and a ground-truth box is found
 * when the prediction that hits it scores ≥ t.
 */
export function sliceBoxes(g: ModelGroup, p: PreparedLike, image: number, t: number): SliceBoxes {
  const boxes: DrawnBox[] = [];
  const { groundTruth: gt, predictions: pr, labels } = g.input;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let j = g.gtStart[image]!; j < g.gtStart[image + 1]!; j++) {
    const by = p.gtMatchedBy[j]!;
    const score = by >= 0 ? pr.scores[by]! : null;
    const found = score !== null && score >= t;
    if (!found) fn++;
    boxes.push({
      kind: found ? 'gt' : 'fn',
      x1: gt.boxes[j * 4]!,
      y1: gt.boxes[j * 4 + 1]!,
      x2: gt.boxes[j * 4 + 2]!,
      y2: gt.boxes[j * 4 + 3]!,
      label: labels[gt.label[j]!] ?? '?',
      score: found ? score : null,
      index: j,
    });
  }
  const preds: DrawnBox[] = [];
  for (let j = g.predStart[image]!; j < g.predStart[image + 1]!; j++) {
    const score = pr.scores[j]!;
    if (score < t) continue;
    const hit = p.predictionMatch[j]! >= 0;
    if (hit) tp++;
    else fp++;
    preds.push({
      kind: hit ? 'tp' : 'fp',
      x1: pr.boxes[j * 4]!,
      y1: pr.boxes[j * 4 + 1]!,
      x2: pr.boxes[j * 4 + 2]!,
      y2: pr.boxes[j * 4 + 3]!,
      label: labels[pr.label[j]!] ?? '?',
      score,
      index: j,
    });
  }
  // False positives under true positives, lowest scores first: the best boxes draw on top.
  preds.sort((a, b) => Number(a.kind === 'tp') - Number(b.kind === 'tp') || (a.score ?? 0) - (b.score ?? 0));
  return { boxes: [...boxes, ...preds], tp, fp, fn };
}

/** Dataset image index by series and slice. */
export function imageIndex(dataset: EvaluationDataset): ReadonlyMap<string, number> {
  return new Map(dataset.images.map((img, i) => [imageKey(img.seriesUid, img.sliceIndex), i]));
}

export const NO_IMAGES: ReadonlyMap<string, number> = new Map();

export const imageKey = (seriesUid: SeriesUid | string, sliceIndex: number): string =>
  `${seriesUid}|${sliceIndex}`;

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface CaseRow {
  seriesUid: SeriesUid;
  patientId: string;
  /** Dataset image indices of the case: [first, end). */
  first: number;
  end: number;
  /** Per compared model; null where the model did not run on this series. */
  counts: (Counts | null)[];
  /** The dataset image the row jumps to: most false positives and misses over the models. */
  focus: number;
  /** Whether the models differ on any slice of the case. */
  disagree: boolean;
}

/**
 * One row per series of the dataset (in its order), with each model's TP / FP / FN summed over the
 * series' slices at the current settings.
 */
export function caseRows(
  dataset: EvaluationDataset,
  models: readonly ModelGroup[],
  perImage: readonly PerImage[],
): CaseRow[] {
  const rows: CaseRow[] = [];
  const images = dataset.images;
  let first = 0;
  while (first < images.length) {
    const uid = images[first]!.seriesUid;
    let end = first + 1;
    while (end < images.length && images[end]!.seriesUid === uid) end++;
    const counts = models.map((g, m): Counts | null => {
      const local = g.localImage[first]!;
      if (local < 0) return null;
      const c = { tp: 0, fp: 0, fn: 0 };
      const pi = perImage[m]!;
      for (let d = first; d < end; d++) {
        const l = g.localImage[d]!;
        if (l < 0) continue;
        c.tp += pi.tp[l]!;
        c.fp += pi.fp[l]!;
        c.fn += pi.fn[l]!;
      }
      return c;
    });
    let focus = first;
    let best = -1;
    let disagree = false;
    for (let d = first; d < end; d++) {
      let errors = 0;
      let found = 0;
      models.forEach((g, m) => {
        const l = g.localImage[d]!;
        if (l < 0) return;
        errors += perImage[m]!.fp[l]! + perImage[m]!.fn[l]!;
        found += perImage[m]!.tp[l]!;
      });
      // Errors first; a slice where something was found beats an empty one.
      const rank = errors * 1e6 + found;
      if (rank > best) {
        best = rank;
        focus = d;
      }
      if (!disagree && disagreesAt(models, perImage, d)) disagree = true;
    }
    rows.push({ seriesUid: uid, patientId: images[first]!.patientId, first, end, counts, focus, disagree });
    first = end;
  }
  return rows;
}

/** Whether two of the models that cover dataset image `d` count differently there. */
export function disagreesAt(
  models: readonly ModelGroup[],
  perImage: readonly PerImage[],
  d: number,
): boolean {
  let ref: Counts | null = null;
  for (let m = 0; m < models.length; m++) {
    const l = models[m]!.localImage[d]!;
    if (l < 0) continue;
    const pi = perImage[m]!;
    const c = { tp: pi.tp[l]!, fp: pi.fp[l]!, fn: pi.fn[l]! };
    if (ref === null) ref = c;
    else if (ref.tp !== c.tp || ref.fp !== c.fp || ref.fn !== c.fn) return true;
  }
  return false;
}

/**
 * The next dataset image after `from` (in dataset order: series by series, slice by slice), wrapping
 * around, where the models disagree; `direction` −1 searches backwards. Null when they agree everywhere.
 */
export function nextDisagreement(
  models: readonly ModelGroup[],
  perImage: readonly PerImage[],
  count: number,
  from: number,
  direction: 1 | -1 = 1,
): number | null {
  if (models.length < 2 || count === 0) return null;
  for (let k = 1; k <= count; k++) {
    const d = (((from + direction * k) % count) + count) % count;
    if (disagreesAt(models, perImage, d)) return d;
  }
  return null;
}

export type SortKey = { kind: 'case' } | { kind: 'count'; model: number; what: keyof Counts };

/** Rows sorted by a column; missing counts (no run) sort last whatever the direction. */
export function sortRows(rows: readonly CaseRow[], key: SortKey, descending: boolean): CaseRow[] {
  const sign = descending ? -1 : 1;
  const out = [...rows];
  if (key.kind === 'case') {
    const order = new Map(rows.map((r, i) => [r, i]));
    return out.sort((a, b) => sign * (order.get(a)! - order.get(b)!));
  }
  return out.sort((a, b) => {
    const x = a.counts[key.model]?.[key.what];
    const y = b.counts[key.model]?.[key.what];
    if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
    return sign * (x - y) || a.first - b.first;
  });
}
