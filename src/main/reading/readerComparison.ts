// Readers against a reference reader (channel 'evaluation:readers'): each other reader's operating
// point on the cases they marked done — all of them, those read with the model's suggestions shown and
// those read without — with the reading times of the same cases. The evaluation is the models' one
// (shared/reading/readerPoint.ts); the unit is whole slices or the paper's patches, whose windows are
// centred on the reference reader's boxes and the reference veins, as for model runs (patchSet.ts).
import type { Reader } from '../../shared/annotation/schemas';
import type { EvaluationDataset } from '../../shared/evaluation/dataset';
import { toPatchUnits } from '../../shared/evaluation/patches';
import type { EvalGroundTruth, EvalInput } from '../../shared/evaluation/types';
import { READER_EVAL_SETTINGS, readerEvalInput, readerPoint } from '../../shared/reading/readerPoint';
import { summarizeSeconds, type CaseReadingTime } from '../../shared/reading/readingTime';
import type { ReaderComparison, ReaderPoint } from '../../shared/reading/schemas';
import { imagesOfSeries } from '../evaluation/buildDataset';
import { evaluationStoreOf } from '../evaluation/handlers';
import { patchWindowsOf } from '../evaluation/patchSet';
import { InvalidInputError } from '../services/errors';
import { readerOf, type ReadingContext } from './context';
import { caseKey, caseTimes } from './readingClock';

export interface ReaderComparisonOptions {
  referenceReaderId: number;
  unit: 'slices' | 'patches';
  resamples: number;
  seed: number;
}

/** The bootstrap's PRNG takes 32-bit seeds. */
const SEED_LIMIT = 2 ** 32;

export function compareReaders(ctx: ReadingContext, options: ReaderComparisonOptions): ReaderComparison {
  const reference = readerOf(ctx, options.referenceReaderId);
  if (options.seed >= SEED_LIMIT)
    throw new InvalidInputError(`seed ${options.seed} is too large: it must be below 2^32`);
  const doneByReader = new Map<number, string[]>();
  for (const c of ctx.store.doneCases()) {
    if (c.reader_id === reference.id) continue;
    const list = doneByReader.get(c.reader_id) ?? [];
    list.push(c.series_uid);
    doneByReader.set(c.reader_id, list);
  }
  const times = caseTimes(ctx, null);
  const readers = [...doneByReader.keys()]
    .sort((a, b) => a - b)
    .map((id) => {
      const reader = readerOf(ctx, id);
      const cases = doneByReader.get(id)!;
      // A done case read without the clock (no events, or a `done` alone) counts as unassisted and
      // has no reading time.
      const timeOf = (uid: string): CaseReadingTime | undefined => times.get(caseKey(id, uid));
      const assisted = cases.filter((uid) => timeOf(uid)?.assisted === true);
      const unassisted = cases.filter((uid) => timeOf(uid)?.assisted !== true);
      const point = (group: string[]): ReaderPoint | null => {
        if (group.length === 0) return null;
        const seconds = group.flatMap((uid) => {
          const t = timeOf(uid);
          return t?.timed ? [t.seconds] : [];
        });
        return readerPoint(readerInput(ctx, reference, reader, group, options.unit), {
          resamples: options.resamples,
          seed: options.seed,
          cases: group.length,
          seconds: summarizeSeconds(seconds),
        });
      };
      return {
        readerId: reader.id,
        name: reader.name,
        all: point(cases),
        assisted: point(assisted),
        unassisted: point(unassisted),
      };
    });
  return {
    referenceReaderId: reference.id,
    unit: options.unit,
    iouThreshold: READER_EVAL_SETTINGS.iouThreshold,
    resamples: options.resamples,
    readers,
  };
}

/**
 * The reader's live boxes as detections against the reference reader's on every slice of these
 * series (in the catalog's order), or on the patches of those slices.
 */
function readerInput(
  ctx: ReadingContext,
  reference: Reader,
  reader: Reader,
  seriesUids: readonly string[],
  unit: 'slices' | 'patches',
): EvalInput {
  const { catalog } = ctx.ws;
  const store = evaluationStoreOf(ctx.ws);
  const wanted = new Set(seriesUids);
  const seriesOrder = catalog.allSeriesUids().filter((u) => wanted.has(u));
  const { images, seriesImages } = imagesOfSeries(catalog, seriesOrder);
  const referenceBoxes: EvalGroundTruth[] = [];
  const readerBoxes: EvalGroundTruth[] = [];
  for (const uid of seriesOrder) {
    const { indexOf } = seriesImages.get(uid)!;
    const collect = (readerId: number, into: EvalGroundTruth[]): void => {
      for (const b of store.readerBoxes(uid, readerId)) {
        const image = indexOf.get(b.sop_uid);
        if (image !== undefined) into.push({ image, label: b.label, box: [b.x1, b.y1, b.x2, b.y2] });
      }
    };
    collect(reference.id, referenceBoxes);
    collect(reader.id, readerBoxes);
  }
  const slices = readerEvalInput(
    images.map((i) => ({ key: i.key, patientId: i.patientId })),
    store.labels(),
    referenceBoxes,
    readerBoxes,
  );
  if (unit === 'slices') return slices;
  const asDataset: EvaluationDataset = {
    reader: reference,
    images,
    labels: [...slices.labels],
    groundTruth: slices.groundTruth,
    runs: [],
  };
  return toPatchUnits(slices, patchWindowsOf(ctx.ws.db, ctx.ws.catalog, asDataset));
}
