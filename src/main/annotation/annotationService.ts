// Readers' annotations of one workspace: every operation checks its input against the catalog, applies the
// rules (rules.ts) and writes the edit and its history in one transaction, committed before it returns.
// Failures are thrown as InvalidInputError / NotFoundError, which `dispatch` turns into results.
import {
  BoxSnapshot,
  type AnnotationBox,
  type BoxAction,
  type BoxHistoryEntry,
  type BoxId,
  type BoxUpdate,
  type CaseProgress,
  type CaseState,
  type CaseStatus,
  type CaseUpdate,
  type NewBox,
  type Reader,
  type ReaderId,
} from '../../shared/annotation/schemas';
import type { SeriesUid, SopInstanceUid } from '../../shared/ids';
import type { DicomPixelBox } from '../../shared/reference/schemas';
import { InvalidInputError, NotFoundError } from '../services/errors';
import type { AnnotationStore, BoxRow, ReaderRow } from './annotationStore';
import {
  applyCaseUpdate,
  boxProblem,
  caseLockProblem,
  labelProblem,
  labelRemovalProblem,
  statusAfterBoxEdit,
} from './rules';

const boxOf = (r: Pick<BoxRow, 'x1' | 'y1' | 'x2' | 'y2'>): DicomPixelBox => ({
  space: 'dicom-pixel',
  x1: r.x1,
  y1: r.y1,
  x2: r.x2,
  y2: r.y2,
});

// Rows come from our own tables, written only after validation: the brands are cast here, in one place.
const toAnnotationBox = (r: BoxRow): AnnotationBox => ({
  id: r.id as BoxId,
  seriesUid: r.series_uid as SeriesUid,
  sopInstanceUid: r.sop_uid as SopInstanceUid,
  sliceIndex: r.slice_index,
  readerId: r.reader_id as ReaderId,
  label: r.label,
  box: boxOf(r),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const toReader = (r: ReaderRow): Reader => ({ id: r.id as ReaderId, name: r.name });
const snapshotOf = (b: AnnotationBox): BoxSnapshot => ({
  label: b.label,
  box: b.box,
  sliceIndex: b.sliceIndex,
  sopInstanceUid: b.sopInstanceUid,
});

export class AnnotationService {
  constructor(
    private readonly store: AnnotationStore,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  readers(): Reader[] {
    return this.store.readers().map(toReader);
  }

  /** The reader of this name (ignoring case), added when new. */
  addReader(name: string): Reader {
    return this.store.write(() => {
      const found = this.store.readerNamed(name);
      if (found) return toReader(found);
      return { id: this.store.insertReader(name, this.now()) as ReaderId, name };
    });
  }

  labels(): string[] {
    return this.store.labels();
  }

  setLabels(labels: readonly string[]): string[] {
    return this.store.write(() => {
      const problem = labelRemovalProblem(this.store.labels(), labels, this.store.labelUsage());
      if (problem) throw new InvalidInputError(problem);
      this.store.replaceLabels(labels);
      return this.store.labels();
    });
  }

  /** Every reader's live boxes of a series, in slice order. */
  boxesOfSeries(seriesUid: SeriesUid): AnnotationBox[] {
    this.imageOf(seriesUid);
    return this.store.liveBoxesOfSeries(seriesUid).map(toAnnotationBox);
  }

  /** Draw, copy to another slice, interpolate: any number of a reader's boxes of one case, all or none. */
  createBoxes(seriesUid: SeriesUid, readerId: ReaderId, boxes: readonly NewBox[]): AnnotationBox[] {
    return this.store.write(() => {
      const image = this.imageOf(seriesUid);
      this.readerOf(readerId);
      const state = this.openCaseState(seriesUid, readerId);
      const slices = this.store.slicesOfSeries(seriesUid);
      const labels = this.store.labels();
      const at = this.now();
      const created = boxes.map((b, i): AnnotationBox => {
        const where = boxes.length > 1 ? `boxes[${i}]: ` : '';
        const sliceIndex = slices.get(b.sopInstanceUid);
        if (sliceIndex === undefined)
          throw new InvalidInputError(`${where}slice ${b.sopInstanceUid} is not in series ${seriesUid}`);
        const problem = labelProblem(b.label, labels) ?? boxProblem(b.box, image);
        if (problem) throw new InvalidInputError(where + problem);
        const coordinates = boxCoordinates(b.box);
        const id = this.store.insertBox({
          series_uid: seriesUid,
          sop_uid: b.sopInstanceUid,
          reader_id: readerId,
          label: b.label,
          ...coordinates,
          at,
        });
        const box: AnnotationBox = {
          id: id as BoxId,
          seriesUid,
          sopInstanceUid: b.sopInstanceUid,
          sliceIndex,
          readerId,
          label: b.label,
          box: boxOf(coordinates),
          createdAt: at,
          updatedAt: at,
        };
        this.recordHistory(box, at, 'create', null, box);
        return box;
      });
      this.startCase(state, at);
      return created;
    });
  }

  /** Move, resize, relabel or move to another slice of the same series: only the box's own reader may. */
  updateBox(update: BoxUpdate): AnnotationBox {
    return this.store.write(() => {
      const { row, state } = this.editableBox(update.id, update.readerId, 'live');
      const before = toAnnotationBox(row);
      let { sliceIndex, sopInstanceUid } = before;
      if (update.sopInstanceUid !== undefined && update.sopInstanceUid !== sopInstanceUid) {
        const slice = this.store.slice(update.sopInstanceUid);
        if (slice?.series_uid !== row.series_uid)
          throw new InvalidInputError(`slice ${update.sopInstanceUid} is not in series ${row.series_uid}`);
        sopInstanceUid = update.sopInstanceUid;
        sliceIndex = slice.slice_index;
      }
      const label = update.label ?? before.label;
      const box = update.box ?? before.box;
      const problem =
        (update.label !== undefined ? labelProblem(label, this.store.labels()) : null) ??
        boxProblem(box, this.imageOf(before.seriesUid));
      if (problem) throw new InvalidInputError(problem);
      const unchanged =
        label === before.label &&
        sopInstanceUid === before.sopInstanceUid &&
        (['x1', 'y1', 'x2', 'y2'] as const).every((k) => box[k] === before.box[k]);
      if (unchanged) return before;
      const at = this.now();
      const after: AnnotationBox = {
        ...before,
        sopInstanceUid,
        sliceIndex,
        label,
        box: boxOf(box),
        updatedAt: at,
      };
      this.store.placeBox({ id: row.id, sop_uid: sopInstanceUid, label, ...boxCoordinates(box), at });
      this.recordHistory(after, at, 'update', before, after);
      this.startCase(state, at);
      return after;
    });
  }

  /** Soft delete (undo restores), all or none. */
  deleteBoxes(readerId: ReaderId, ids: readonly BoxId[]): { deleted: BoxId[] } {
    return this.store.write(() => {
      const { rows, states } = this.editableBoxes(ids, readerId, 'live');
      const at = this.now();
      for (const row of rows) {
        this.store.setDeleted(row.id, at, at);
        this.recordHistory(toAnnotationBox(row), at, 'delete', toAnnotationBox(row), null);
      }
      for (const state of states) this.startCase(state, at);
      return { deleted: rows.map((r) => r.id as BoxId) };
    });
  }

  /** Brings soft-deleted boxes back (undo of a delete, redo of a create), all or none. */
  restoreBoxes(readerId: ReaderId, ids: readonly BoxId[]): AnnotationBox[] {
    return this.store.write(() => {
      const { rows, states } = this.editableBoxes(ids, readerId, 'deleted');
      const labels = this.store.labels();
      for (const row of rows) {
        if (!labels.includes(row.label))
          throw new InvalidInputError(
            `box ${row.id} has label '${row.label}', which is no longer in the label list; add it back first`,
          );
      }
      const at = this.now();
      const restored = rows.map((row) => {
        this.store.setDeleted(row.id, null, at);
        const box = { ...toAnnotationBox(row), updatedAt: at };
        this.recordHistory(box, at, 'restore', null, box);
        return box;
      });
      for (const state of states) this.startCase(state, at);
      return restored;
    });
  }

  history(id: BoxId): BoxHistoryEntry[] {
    if (!this.store.boxExists(id)) throw new NotFoundError(`no annotation box ${id}`);
    const snapshot = (json: string | null) => (json === null ? null : BoxSnapshot.parse(JSON.parse(json)));
    return this.store.historyOfBox(id).map((h) => ({
      at: h.at,
      readerId: h.reader_id as ReaderId,
      action: h.action,
      before: snapshot(h.before_json),
      after: snapshot(h.after_json),
    }));
  }

  /** Every series of the workspace with each reader's status and live box count. */
  cases(): CaseProgress[] {
    const key = (seriesUid: string, readerId: number): string => `${readerId} ${seriesUid}`;
    const boxes = new Map(this.store.liveBoxCounts().map((r) => [key(r.series_uid, r.reader_id), r.n]));
    const statuses = new Map(
      this.store.caseStatuses().map((r) => [key(r.series_uid, r.reader_id), r.status as CaseStatus]),
    );
    const readers = this.store.readers();
    return this.store.cases().map((c) => ({
      seriesUid: c.series_uid as SeriesUid,
      patientId: c.patient_id,
      patientName: c.patient_name,
      description: c.description,
      slices: c.slices,
      readers: readers.map((r) => ({
        readerId: r.id as ReaderId,
        status: statuses.get(key(c.series_uid, r.id)) ?? 'not-started',
        boxes: boxes.get(key(c.series_uid, r.id)) ?? 0,
      })),
    }));
  }

  caseState(seriesUid: SeriesUid, readerId: ReaderId): CaseState {
    this.imageOf(seriesUid);
    this.readerOf(readerId);
    return this.storedCaseState(seriesUid, readerId);
  }

  setCaseState(update: CaseUpdate): CaseState {
    return this.store.write(() => {
      const current = this.caseState(update.seriesUid, update.readerId);
      const applied = applyCaseUpdate(current, update);
      if ('problem' in applied) throw new InvalidInputError(applied.problem);
      if (!applied.changed) return current;
      return this.writeCaseState(applied.next, this.now());
    });
  }

  private storedCaseState(seriesUid: SeriesUid, readerId: ReaderId): CaseState {
    const row = this.store.caseState(seriesUid, readerId);
    if (!row) return { seriesUid, readerId, status: 'not-started', call: null, note: '', updatedAt: null };
    return {
      seriesUid,
      readerId,
      status: row.status as CaseStatus,
      call: row.patient_call as CaseState['call'],
      note: row.note,
      updatedAt: row.updated_at,
    };
  }

  private imageOf(seriesUid: string): { rows: number; cols: number } {
    const shape = this.store.seriesShape(seriesUid);
    if (!shape) throw new NotFoundError(`no series ${seriesUid} in this workspace`);
    return shape;
  }

  private readerOf(readerId: number): ReaderRow {
    const reader = this.store.reader(readerId);
    if (!reader) throw new NotFoundError(`no reader ${readerId} in this workspace`);
    return reader;
  }

  private writeCaseState(state: CaseState, at: string): CaseState {
    this.store.upsertCaseState({
      series_uid: state.seriesUid,
      reader_id: state.readerId,
      status: state.status,
      patient_call: state.call,
      note: state.note,
      updated_at: at,
    });
    return { ...state, updatedAt: at };
  }

  /** The reader's state of the case, refused when the case is locked for box edits. */
  private openCaseState(seriesUid: SeriesUid, readerId: ReaderId): CaseState {
    const state = this.storedCaseState(seriesUid, readerId);
    const problem = caseLockProblem(state.status);
    if (problem) throw new InvalidInputError(`${problem} (series ${seriesUid})`);
    return state;
  }

  /** After a box edit, in the same transaction: a case not started is now in progress. */
  private startCase(state: CaseState, at: string): void {
    const status = statusAfterBoxEdit(state.status);
    if (status !== state.status) this.writeCaseState({ ...state, status }, at);
  }

  /** A box the reader may edit now: it exists, is theirs, is live or deleted as asked, and its case is open. */
  private editableBox(
    id: number,
    readerId: ReaderId,
    want: 'live' | 'deleted',
  ): { row: BoxRow; state: CaseState } {
    const reader = this.readerOf(readerId);
    const row = this.store.box(id);
    if (!row) throw new NotFoundError(`no annotation box ${id}`);
    if (row.reader_id !== readerId) {
      const owner = this.store.reader(row.reader_id)?.name ?? String(row.reader_id);
      throw new InvalidInputError(
        `box ${id} belongs to reader '${owner}'; only its own reader may edit it, not '${reader.name}'`,
      );
    }
    if (want === 'live' && row.deleted_at !== null)
      throw new InvalidInputError(`box ${id} is deleted; restore it first`);
    if (want === 'deleted' && row.deleted_at === null)
      throw new InvalidInputError(`box ${id} is not deleted`);
    return { row, state: this.openCaseState(row.series_uid as SeriesUid, readerId) };
  }

  /** Several boxes (duplicates ignored), with the state of each case they lie in. */
  private editableBoxes(
    ids: readonly number[],
    readerId: ReaderId,
    want: 'live' | 'deleted',
  ): { rows: BoxRow[]; states: CaseState[] } {
    const rows: BoxRow[] = [];
    const states = new Map<string, CaseState>();
    for (const id of new Set(ids)) {
      const { row, state } = this.editableBox(id, readerId, want);
      rows.push(row);
      states.set(row.series_uid, state);
    }
    return { rows, states: [...states.values()] };
  }

  private recordHistory(
    box: AnnotationBox,
    at: string,
    action: BoxAction,
    before: AnnotationBox | null,
    after: AnnotationBox | null,
  ): void {
    this.store.insertHistory({
      box_id: box.id,
      at,
      reader_id: box.readerId,
      action,
      before_json: before ? JSON.stringify(snapshotOf(before)) : null,
      after_json: after ? JSON.stringify(snapshotOf(after)) : null,
    });
  }
}

function boxCoordinates(box: DicomPixelBox): { x1: number; y1: number; x2: number; y2: number } {
  return { x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2 };
}
