// Builds the evaluation dataset of finished runs against one reader's live boxes (channel
// 'evaluation:dataset', and `dvt eval` / `dvt froc`): every slice of every series the runs cover, the
// reader's boxes on them and each run's predictions, as columns grouped by ascending image index.
import type { CatalogStore } from '../catalog/catalogStore';
import type { RunStore } from '../inference/runStore';
import { InvalidInputError, NotFoundError } from '../services/errors';
import type { EvaluationDataset, EvaluationImage, EvaluationRun } from '../../shared/evaluation/dataset';
import { ReaderId, type Reader } from '../../shared/annotation/schemas';
import { SeriesUid } from '../../shared/ids';
import type { RunSummary } from '../../shared/inference/schemas';
import type { BoxRowForEval, EvaluationStore, PredictionRowForEval } from './evaluationStore';

export interface DatasetSources {
  store: EvaluationStore;
  catalog: CatalogStore;
  runs: RunStore;
}

/** The reader of that id, or NotFoundError. */
export function readerById(store: EvaluationStore, readerId: number): Reader {
  const row = store.reader(readerId);
  if (!row) throw new NotFoundError(`no reader ${readerId} in this workspace`);
  return { id: ReaderId.parse(row.id), name: row.name };
}

/** The runs, each checked to exist and to have finished ('done'). */
export function finishedRuns(runs: RunStore, runIds: readonly number[]): RunSummary[] {
  return runIds.map((id) => {
    const run = runs.get(id);
    if (!run) throw new NotFoundError(`no run ${id} in this workspace`);
    if (run.status !== 'done') {
      throw new InvalidInputError(
        `run ${id} (${run.modelName} on ${run.seriesUid}) is ${run.status}: only finished ('done') runs can be evaluated`,
      );
    }
    return run;
  });
}

export interface SeriesImages {
  /** Index of the series' first slice in the dataset's images. */
  first: number;
  count: number;
  /** SOP instance UID → dataset image index. */
  indexOf: Map<string, number>;
}

/**
 * Every slice of the series, in the given order, as evaluation images (slice index from the catalog),
 * with each series' place among them.
 */
export function imagesOfSeries(
  catalog: CatalogStore,
  seriesOrder: readonly string[],
): { images: EvaluationImage[]; seriesImages: Map<string, SeriesImages> } {
  const images: EvaluationImage[] = [];
  const seriesImages = new Map<string, SeriesImages>();
  for (const uid of seriesOrder) {
    const series = catalog.series(uid)!;
    const patientId = catalog.patientOfStudy(series.study_uid)?.patient_id ?? '';
    const seriesUid = SeriesUid.parse(uid);
    const first = images.length;
    const indexOf = new Map<string, number>();
    catalog.instancesOfSeries(uid).forEach((inst, position) => {
      indexOf.set(inst.sop_uid, images.length);
      images.push({
        key: inst.sop_uid,
        patientId,
        seriesUid,
        sliceIndex: inst.slice_index ?? position,
      });
    });
    seriesImages.set(uid, { first, count: images.length - first, indexOf });
  }
  return { images, seriesImages };
}

/**
 * Everything 'evaluation:dataset' sends. Throws NotFoundError for an unknown reader or run (or a run
 * whose series has left the catalog), InvalidInputError for a run that has not finished. Predictions on
 * slices no longer in the catalog (a re-import that replaced them) are left out.
 */
export function buildEvaluationDataset(
  src: DatasetSources,
  readerId: number,
  runIds: readonly number[],
): EvaluationDataset {
  const reader = readerById(src.store, readerId);
  const runs = finishedRuns(src.runs, runIds);

  // Series in the order the workspace lists them (by patient, study, series number).
  const wanted = new Set(runs.map((r) => r.seriesUid as string));
  for (const uid of wanted) {
    if (!src.catalog.series(uid)) throw new NotFoundError(`series ${uid} is no longer in this workspace`);
  }
  const seriesOrder = src.catalog.allSeriesUids().filter((uid) => wanted.has(uid));

  const { images, seriesImages } = imagesOfSeries(src.catalog, seriesOrder);

  const labels = new Labels(src.store.labels());
  const gtRows: { image: number; row: BoxRowForEval }[] = [];
  for (const uid of seriesOrder) {
    const { indexOf } = seriesImages.get(uid)!;
    for (const row of src.store.readerBoxes(uid, reader.id)) {
      const image = indexOf.get(row.sop_uid);
      if (image !== undefined) gtRows.push({ image, row });
    }
  }
  const groundTruth = toColumns(gtRows, labels, false);

  const evaluationRuns: EvaluationRun[] = runs.map((run) => {
    const si = seriesImages.get(run.seriesUid)!;
    const rows: { image: number; row: PredictionRowForEval }[] = [];
    for (const row of src.store.predictions(run.id)) {
      const image = si.indexOf.get(row.sop_uid);
      if (image !== undefined) rows.push({ image, row });
    }
    const runImages = new Int32Array(si.count);
    for (let i = 0; i < si.count; i++) runImages[i] = si.first + i;
    return { run, images: runImages, predictions: toColumns(rows, labels, true) };
  });

  return { reader, images, labels: labels.list, groundTruth, runs: evaluationRuns };
}

/** Label list with index lookup; labels not yet listed are appended. */
class Labels {
  readonly list: string[];
  private readonly index = new Map<string, number>();
  constructor(initial: readonly string[]) {
    this.list = [];
    for (const l of initial) this.of(l);
  }
  of(label: string): number {
    let i = this.index.get(label);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(label);
      this.index.set(label, i);
    }
    return i;
  }
}

function toColumns(
  rows: { image: number; row: BoxRowForEval | PredictionRowForEval }[],
  labels: Labels,
  withScores: true,
): EvaluationRun['predictions'];
function toColumns(
  rows: { image: number; row: BoxRowForEval }[],
  labels: Labels,
  withScores: false,
): EvaluationDataset['groundTruth'];
function toColumns(
  rows: { image: number; row: BoxRowForEval | PredictionRowForEval }[],
  labels: Labels,
  withScores: boolean,
): EvaluationDataset['groundTruth'] | EvaluationRun['predictions'] {
  // Group by image; the sort is stable, so each image keeps its rows' stored order.
  rows.sort((a, b) => a.image - b.image);
  const n = rows.length;
  const image = new Int32Array(n);
  const label = new Int32Array(n);
  const boxes = new Float64Array(n * 4);
  const scores = new Float64Array(withScores ? n : 0);
  rows.forEach(({ image: img, row }, k) => {
    image[k] = img;
    label[k] = labels.of(row.label);
    boxes[k * 4] = row.x1;
    boxes[k * 4 + 1] = row.y1;
    boxes[k * 4 + 2] = row.x2;
    boxes[k * 4 + 3] = row.y2;
    if (withScores) scores[k] = (row as PredictionRowForEval).score;
  });
  return withScores ? { image, label, boxes, scores } : { image, label, boxes };
}
