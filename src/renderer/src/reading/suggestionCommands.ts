// Accepting and rejecting a model's suggestion as undoable commands on the reader's undo stack (beside
// the box edits of shared/annotation/boxCommands.ts). Each side is one call to main: accept ↔ undo
// (which deletes the box the accept made), reject ↔ undo. Redo decides again, so an accept redone
// makes a new box with the same provenance.
import type { BoxSink } from '../../../shared/annotation/boxCommands';
import type { ReaderId } from '../../../shared/annotation/schemas';
import type { Command, StepResult } from '../../../shared/annotation/undoStack';
import type { DvtApi } from '../../../shared/ipc/api';
import type { DicomPixelBox } from '../../../shared/reference/schemas';
import type {
  DecisionId,
  PredictionId,
  Suggestion,
  SuggestionDecision,
} from '../../../shared/reading/schemas';

/** Told of each decision made (or taken back: null), so that the suggestion list follows. */
export type DecisionSink = (predictionId: PredictionId, decision: SuggestionDecision | null) => void;

const fail = (message: string): StepResult => ({ ok: false, message });
const OK: StepResult = { ok: true };

/** Takes a decision back; an accepted suggestion's box goes with it. */
async function undoDecision(
  api: DvtApi,
  sink: BoxSink,
  onDecision: DecisionSink,
  readerId: ReaderId,
  predictionId: PredictionId,
  decisionId: DecisionId | null,
): Promise<StepResult> {
  if (decisionId === null) return fail('this decision was never stored');
  const r = await api.invoke('suggestions:undo', { readerId, decisionId });
  if (!r.ok) return fail(r.error.message);
  if (r.value.deletedBoxId !== null) sink.remove([r.value.deletedBoxId]);
  onDecision(predictionId, null);
  return OK;
}

/** Accept a suggestion as it is, or with the reader's adjusted box (same slice). */
export function acceptSuggestionCommand(
  api: DvtApi,
  sink: BoxSink,
  onDecision: DecisionSink,
  readerId: ReaderId,
  suggestion: Suggestion,
  adjusted: DicomPixelBox | null,
): Command {
  let decisionId: DecisionId | null = null;
  const { predictionId } = suggestion;
  return {
    label: adjusted ? 'accept adjusted suggestion' : 'accept suggestion',
    async redo() {
      const r = await api.invoke(
        'suggestions:accept',
        adjusted ? { readerId, predictionId, box: adjusted } : { readerId, predictionId },
      );
      if (!r.ok) return fail(r.error.message);
      decisionId = r.value.decision.id;
      sink.upsert([r.value.box]);
      onDecision(predictionId, r.value.decision);
      return OK;
    },
    undo: () => undoDecision(api, sink, onDecision, readerId, predictionId, decisionId),
  };
}

/** Reject a suggestion, with an optional reason (flow artefact, lymph node, artery, free text). */
export function rejectSuggestionCommand(
  api: DvtApi,
  sink: BoxSink,
  onDecision: DecisionSink,
  readerId: ReaderId,
  suggestion: Suggestion,
  reason: string | null,
): Command {
  let decisionId: DecisionId | null = null;
  const { predictionId } = suggestion;
  return {
    label: 'reject suggestion',
    async redo() {
      const r = await api.invoke(
        'suggestions:reject',
        reason ? { readerId, predictionId, reason } : { readerId, predictionId },
      );
      if (!r.ok) return fail(r.error.message);
      decisionId = r.value.decision.id;
      onDecision(predictionId, r.value.decision);
      return OK;
    },
    undo: () => undoDecision(api, sink, onDecision, readerId, predictionId, decisionId),
  };
}
