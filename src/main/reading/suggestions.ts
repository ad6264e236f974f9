// A model's suggestions and readers' decisions on them (channels 'suggestions:*'). An accept creates
// the reader's box through the annotation service (which checks the label, the box and the case
// lock, and keeps the box's history) and stores the decision in the same transaction; an undo takes
// the decision back and deletes the box it created. Decisions copy the suggestion, so provenance
// outlives the run. Refusals are thrown (InvalidInputError / NotFoundError) before anything is written.
import { BoxId, ReaderId, type AnnotationBox, type Reader } from '../../shared/annotation/schemas';
import { RunId, SeriesUid, SopInstanceUid } from '../../shared/ids';
import type { DicomPixelBox } from '../../shared/reference/schemas';
import {
  DecisionId,
  PredictionId,
  type BoxProvenance,
  type Suggestion,
  type SuggestionDecision,
} from '../../shared/reading/schemas';
import { CASE_LOCKED } from '../annotation/rules';
import { evaluationStoreOf } from '../evaluation/handlers';
import { InvalidInputError, NotFoundError } from '../services/errors';
import { checkSeries, readerOf, type ReadingContext } from './context';
import type { DecisionRow, PredictionRow } from './readingStore';

/** Coordinates closer than this are the same (a box stored and read back, not moved). */
const SAME_COORDINATE = 1e-6;

const boxOf = (r: { x1: number; y1: number; x2: number; y2: number }): DicomPixelBox => ({
  space: 'dicom-pixel',
  x1: r.x1,
  y1: r.y1,
  x2: r.x2,
  y2: r.y2,
});

// Rows come from our own tables, written only after validation: the brands are parsed here, in one place.
const toDecision = (r: DecisionRow): SuggestionDecision => ({
  id: DecisionId.parse(r.id),
  seriesUid: SeriesUid.parse(r.series_uid),
  readerId: ReaderId.parse(r.reader_id),
  predictionId: PredictionId.parse(r.prediction_id),
  runId: RunId.parse(r.run_id),
  modelName: r.model_name,
  modelSha256: r.model_sha256,
  score: r.score,
  label: r.label,
  sopInstanceUid: SopInstanceUid.parse(r.sop_uid),
  suggestedBox: boxOf(r),
  kind: r.kind,
  reason: r.reason,
  boxId: r.box_id === null ? null : BoxId.parse(r.box_id),
  at: r.at,
});

/** A finished run's predictions at or above the threshold, by score, with this reader's live decisions. */
export function listSuggestions(
  ctx: ReadingContext,
  input: { seriesUid: string; readerId: number; runId: number; threshold: number },
): Suggestion[] {
  checkSeries(ctx, input.seriesUid);
  const reader = readerOf(ctx, input.readerId);
  const run = ctx.ws.inference.runs.get(input.runId);
  if (!run) throw new NotFoundError(`no run ${input.runId} in this workspace`);
  if (run.seriesUid !== input.seriesUid)
    throw new InvalidInputError(`run ${run.id} is of series ${run.seriesUid}, not of ${input.seriesUid}`);
  if (run.status !== 'done')
    throw new InvalidInputError(
      `run ${run.id} (${run.modelName}) is ${run.status}: only a finished run's predictions are suggestions`,
    );
  const decisions = new Map(
    ctx.store.liveDecisionsOfRun(reader.id, run.id).map((d) => [d.prediction_id, toDecision(d)]),
  );
  return ctx.store.suggestions(run.id, input.threshold).map((p) => ({
    predictionId: PredictionId.parse(p.id),
    runId: RunId.parse(p.run_id),
    modelName: p.model_name,
    sliceIndex: p.slice_index,
    sopInstanceUid: SopInstanceUid.parse(p.sop_uid),
    label: p.label,
    score: p.score,
    box: boxOf(p),
    decision: decisions.get(p.id) ?? null,
  }));
}

/** Accept as suggested, or with the reader's adjusted box (same slice) or label. */
export function acceptSuggestion(
  ctx: ReadingContext,
  input: {
    readerId: number;
    predictionId: number;
    box?: DicomPixelBox | undefined;
    label?: string | undefined;
  },
): { decision: SuggestionDecision; box: AnnotationBox } {
  return ctx.store.write(() => {
    const { reader, prediction } = decidable(ctx, input.readerId, input.predictionId);
    const [box] = ctx.annotations.createBoxes(SeriesUid.parse(prediction.series_uid), reader.id, [
      {
        sopInstanceUid: SopInstanceUid.parse(prediction.sop_uid),
        label: input.label ?? prediction.label,
        box: input.box ?? boxOf(prediction),
      },
    ]);
    if (!box) throw new Error('the annotation service created no box');
    const decision = insertDecision(ctx, reader, prediction, 'accepted', null, box.id);
    return { decision, box };
  });
}

export function rejectSuggestion(
  ctx: ReadingContext,
  input: { readerId: number; predictionId: number; reason?: string | undefined },
): { decision: SuggestionDecision } {
  return ctx.store.write(() => {
    const { reader, prediction } = decidable(ctx, input.readerId, input.predictionId);
    const seriesUid = SeriesUid.parse(prediction.series_uid);
    const state = openCase(ctx, seriesUid, reader.id);
    // Deciding on a suggestion is reading the case, as drawing a box is.
    if (state.status === 'not-started')
      ctx.annotations.setCaseState({ seriesUid, readerId: reader.id, status: 'in-progress' });
    return { decision: insertDecision(ctx, reader, prediction, 'rejected', input.reason ?? null, null) };
  });
}

/**
 * Takes back a live decision of this reader. An accept's box is deleted with it (soft, so its history
 * stays); a box the reader already deleted stays deleted (`deletedBoxId` null).
 */
export function undoDecision(
  ctx: ReadingContext,
  input: { readerId: number; decisionId: number },
): { undone: DecisionId; deletedBoxId: BoxId | null } {
  return ctx.store.write(() => {
    const reader = readerOf(ctx, input.readerId);
    const row = ctx.store.decision(input.decisionId);
    if (!row) throw new NotFoundError(`no suggestion decision ${input.decisionId} in this workspace`);
    if (row.reader_id !== reader.id) {
      const owner = evaluationStoreOf(ctx.ws).reader(row.reader_id)?.name ?? String(row.reader_id);
      throw new InvalidInputError(
        `decision ${row.id} belongs to reader '${owner}'; only its own reader may undo it, not '${reader.name}'`,
      );
    }
    if (row.undone_at !== null)
      throw new InvalidInputError(`decision ${row.id} was already undone (at ${row.undone_at})`);
    openCase(ctx, SeriesUid.parse(row.series_uid), reader.id);
    let deletedBoxId: BoxId | null = null;
    if (row.box_id !== null) {
      const live = ctx.annotations
        .boxesOfSeries(SeriesUid.parse(row.series_uid))
        .some((b) => b.id === row.box_id);
      if (live) deletedBoxId = ctx.annotations.deleteBoxes(reader.id, [BoxId.parse(row.box_id)]).deleted[0]!;
    }
    ctx.store.undoDecision(row.id, ctx.now());
    return { undone: DecisionId.parse(row.id), deletedBoxId };
  });
}

/** Where the series' live accepted boxes came from; `adjusted` once a box differs from its suggestion. */
export function provenanceOf(ctx: ReadingContext, seriesUid: string): BoxProvenance[] {
  checkSeries(ctx, seriesUid);
  return ctx.store.provenance(seriesUid).map((r) => ({
    boxId: BoxId.parse(r.box_id),
    decisionId: DecisionId.parse(r.id),
    runId: RunId.parse(r.run_id),
    modelName: r.model_name,
    score: r.score,
    suggestedBox: boxOf(r),
    adjusted:
      r.box_sop_uid !== r.sop_uid ||
      Math.abs(r.bx1 - r.x1) > SAME_COORDINATE ||
      Math.abs(r.by1 - r.y1) > SAME_COORDINATE ||
      Math.abs(r.bx2 - r.x2) > SAME_COORDINATE ||
      Math.abs(r.by2 - r.y2) > SAME_COORDINATE,
  }));
}

/** The reader and the prediction, checked: a finished run's, with no live decision of this reader. */
function decidable(
  ctx: ReadingContext,
  readerId: number,
  predictionId: number,
): { reader: Reader; prediction: PredictionRow } {
  const reader = readerOf(ctx, readerId);
  const prediction = ctx.store.prediction(predictionId);
  if (!prediction)
    throw new NotFoundError(`no suggestion ${predictionId} in this workspace (was its run deleted?)`);
  if (prediction.run_status !== 'done')
    throw new InvalidInputError(
      `suggestion ${predictionId} belongs to run ${prediction.run_id}, which is ${prediction.run_status}: only a finished run's suggestions can be decided on`,
    );
  const live = ctx.store.liveDecision(reader.id, predictionId);
  if (live)
    throw new InvalidInputError(
      `reader '${reader.name}' already ${live.kind} suggestion ${predictionId} (decision ${live.id}); undo that decision first`,
    );
  return { reader, prediction };
}

/** The reader's case state, refused while the case is done (as box edits are). */
function openCase(ctx: ReadingContext, seriesUid: SeriesUid, readerId: ReaderId) {
  const state = ctx.annotations.caseState(seriesUid, readerId);
  if (state.status === 'done') throw new InvalidInputError(`${CASE_LOCKED} (series ${seriesUid})`);
  return state;
}

function insertDecision(
  ctx: ReadingContext,
  reader: Reader,
  p: PredictionRow,
  kind: 'accepted' | 'rejected',
  reason: string | null,
  boxId: BoxId | null,
): SuggestionDecision {
  const row: Omit<DecisionRow, 'id' | 'undone_at'> = {
    series_uid: p.series_uid,
    reader_id: reader.id,
    prediction_id: p.id,
    run_id: p.run_id,
    model_name: p.model_name,
    model_sha256: p.model_sha256,
    score: p.score,
    label: p.label,
    sop_uid: p.sop_uid,
    x1: p.x1,
    y1: p.y1,
    x2: p.x2,
    y2: p.y2,
    kind,
    reason,
    box_id: boxId,
    at: ctx.now(),
  };
  return toDecision({ ...row, id: ctx.store.insertDecision(row), undone_at: null });
}
