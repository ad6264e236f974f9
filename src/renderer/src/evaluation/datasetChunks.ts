// 'evaluation:dataset' takes a limited number of runs per call, and a run is one model on one series:
// a cohort's runs are asked for in chunks of whole series, and the answers joined. Chunks cover
// disjoint series, so their images and ground truth are disjoint too.
import type { EvaluationDataset } from '../../../shared/evaluation/dataset';
import type { RunId, SeriesUid } from '../../../shared/ids';
import type { RunSummary } from '../../../shared/inference/schemas';

/** The contract's most run ids per call. */
export const MAX_RUNS_PER_CALL = 16;

/** Run ids in chunks of at most `max`, the runs of one series always in the same chunk. */
export function chunkRuns(runs: readonly RunSummary[], max = MAX_RUNS_PER_CALL): RunId[][] {
  const bySeries = new Map<SeriesUid, RunId[]>();
  for (const r of runs) {
    const list = bySeries.get(r.seriesUid);
    if (list) list.push(r.id);
    else bySeries.set(r.seriesUid, [r.id]);
  }
  const chunks: RunId[][] = [];
  let cur: RunId[] = [];
  for (const ids of bySeries.values()) {
    // More runs on one series than a call takes: they go in calls of their own, and the images of
    // that series would come twice. Refuse rather than evaluate them twice.
    if (ids.length > max) throw new Error(`more than ${max} runs on one series: choose fewer`);
    if (cur.length + ids.length > max) {
      chunks.push(cur);
      cur = [];
    }
    cur.push(...ids);
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}

/** Datasets of disjoint series (one reader) joined into one. */
export function joinDatasets(parts: readonly EvaluationDataset[]): EvaluationDataset {
  const first = parts[0];
  if (!first) throw new Error('nothing to join');
  if (parts.length === 1) return first;
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
  const images: EvaluationDataset['images'] = [];
  const gtParts: EvaluationDataset['groundTruth'][] = [];
  const runs: EvaluationDataset['runs'] = [];
  for (const p of parts) {
    const offset = images.length;
    images.push(...p.images);
    const map = Int32Array.from(p.labels.map(labelOf));
    gtParts.push(shift(p.groundTruth, offset, map));
    for (const r of p.runs) {
      runs.push({
        run: r.run,
        images: r.images.map((i) => i + offset),
        predictions: { ...shift(r.predictions, offset, map), scores: r.predictions.scores },
      });
    }
  }
  const n = gtParts.reduce((s, c) => s + c.image.length, 0);
  const groundTruth = { image: new Int32Array(n), label: new Int32Array(n), boxes: new Float64Array(n * 4) };
  let k = 0;
  for (const c of gtParts) {
    groundTruth.image.set(c.image, k);
    groundTruth.label.set(c.label, k);
    groundTruth.boxes.set(c.boxes, k * 4);
    k += c.image.length;
  }
  return { reader: first.reader, images, labels, groundTruth, runs };
}

function shift(
  c: EvaluationDataset['groundTruth'],
  offset: number,
  labelMap: Int32Array,
): EvaluationDataset['groundTruth'] {
  return {
    image: c.image.map((i) => i + offset),
    label: c.label.map((l) => labelMap[l]!),
    boxes: c.boxes,
  };
}
