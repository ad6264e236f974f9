// The undoable box edits as commands over the IPC contract. Each side is one call to main, which writes
// it (and its history) in one transaction: create ↔ delete (redo after undo restores the same ids, so a
// box keeps its id and history), update ↔ update back to the old value, delete ↔ restore.
import type { SeriesUid, SopInstanceUid } from '../ids';
import type { DvtApi } from '../ipc/api';
import type { DicomPixelBox } from '../reference/schemas';
import type { AnnotationBox, BoxId, NewBox, ReaderId } from './schemas';
import type { Command, StepResult } from './undoStack';

/** Called with what main answered after each successful step, so the view can update its boxes. */
export interface BoxSink {
  upsert(boxes: readonly AnnotationBox[]): void;
  remove(ids: readonly BoxId[]): void;
}

const fail = (message: string): StepResult => ({ ok: false, message });
const OK: StepResult = { ok: true };

export function createBoxesCommand(
  api: DvtApi,
  sink: BoxSink,
  seriesUid: SeriesUid,
  readerId: ReaderId,
  boxes: readonly NewBox[],
  label = boxes.length === 1 ? 'draw box' : `create ${boxes.length} boxes`,
): Command & { ids(): readonly BoxId[] } {
  let ids: BoxId[] = [];
  return {
    label,
    ids: () => ids,
    async redo() {
      if (ids.length === 0) {
        const r = await api.invoke('annotations:create', { seriesUid, readerId, boxes: [...boxes] });
        if (!r.ok) return fail(r.error.message);
        ids = r.value.map((b) => b.id);
        sink.upsert(r.value);
        return OK;
      }
      const r = await api.invoke('annotations:restore', { readerId, ids });
      if (!r.ok) return fail(r.error.message);
      sink.upsert(r.value);
      return OK;
    },
    async undo() {
      const r = await api.invoke('annotations:delete', { readerId, ids });
      if (!r.ok) return fail(r.error.message);
      sink.remove(r.value.deleted);
      return OK;
    },
  };
}

export interface BoxPlace {
  label: string;
  box: DicomPixelBox;
  sopInstanceUid: SopInstanceUid;
}

export const placeOf = (b: AnnotationBox): BoxPlace => ({
  label: b.label,
  box: b.box,
  sopInstanceUid: b.sopInstanceUid,
});

/** Move, resize or relabel: the box goes from `before` to `after`, and back on undo. */
export function updateBoxCommand(
  api: DvtApi,
  sink: BoxSink,
  readerId: ReaderId,
  id: BoxId,
  before: BoxPlace,
  after: BoxPlace,
  label: string,
): Command {
  const place = async (to: BoxPlace): Promise<StepResult> => {
    const r = await api.invoke('annotations:update', { readerId, id, ...to });
    if (!r.ok) return fail(r.error.message);
    sink.upsert([r.value]);
    return OK;
  };
  return { label, redo: () => place(after), undo: () => place(before) };
}

export function deleteBoxesCommand(
  api: DvtApi,
  sink: BoxSink,
  readerId: ReaderId,
  ids: readonly BoxId[],
): Command {
  return {
    label: ids.length === 1 ? 'delete box' : `delete ${ids.length} boxes`,
    async redo() {
      const r = await api.invoke('annotations:delete', { readerId, ids: [...ids] });
      if (!r.ok) return fail(r.error.message);
      sink.remove(r.value.deleted);
      return OK;
    },
    async undo() {
      const r = await api.invoke('annotations:restore', { readerId, ids: [...ids] });
      if (!r.ok) return fail(r.error.message);
      sink.upsert(r.value);
      return OK;
    },
  };
}
