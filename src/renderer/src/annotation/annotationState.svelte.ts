// One reader's annotation of the open case: the boxes of every reader on the series, the tools, the
// selection, the gesture in progress and the undo stack. Every edit goes to main at once (no save
// button); what main answers replaces the local copy, and a refusal is shown as main's message.
import {
  createBoxesCommand,
  deleteBoxesCommand,
  placeOf,
  updateBoxCommand,
  type BoxPlace,
  type BoxSink,
} from '../../../shared/annotation/boxCommands';
import {
  boxAt,
  boxFromDrag,
  copyTargetSlice,
  handleAt,
  interpolationPartner,
  moveBox,
  resizeBox,
  type Handle,
  type ImagePoint,
  type ScreenScale,
} from '../../../shared/annotation/editing';
import { interpolateBoxes } from '../../../shared/annotation/geometry';
import type {
  AnnotationBox,
  BoxId,
  CaseProgress,
  CaseState,
  CaseUpdate,
  Reader,
  ReaderId,
} from '../../../shared/annotation/schemas';
import { UndoStack, type Command, type StepResult } from '../../../shared/annotation/undoStack';
import type { SeriesUid } from '../../../shared/ids';
import type { DvtApi } from '../../../shared/ipc/api';
import type { DicomPixelBox } from '../../../shared/reference/schemas';
import type { ViewerState } from '../viewer/viewerState.svelte';

export type Tool = 'box' | 'select';

type Gesture =
  | { kind: 'draw'; start: ImagePoint; scale: ScreenScale }
  | { kind: 'move'; id: BoxId; start: ImagePoint; from: DicomPixelBox }
  | { kind: 'resize'; id: BoxId; handle: Handle; start: ImagePoint; from: DicomPixelBox }
  /** The box being adjusted (not stored yet): moved (no handle) or resized. */
  | { kind: 'adjust'; handle: Handle | null; start: ImagePoint; from: DicomPixelBox };

/** A box edited on the image before it is stored (a suggestion adjusted before it is accepted). */
export interface AdjustingBox {
  sliceIndex: number;
  box: DicomPixelBox;
}

const READER_KEY = 'dvt.readerId';

const HANDLE_CURSORS: Record<Handle, string> = {
  nw: 'nwse-resize',
  se: 'nwse-resize',
  ne: 'nesw-resize',
  sw: 'nesw-resize',
  n: 'ns-resize',
  s: 'ns-resize',
  e: 'ew-resize',
  w: 'ew-resize',
};

export class AnnotationState {
  readers = $state.raw<Reader[]>([]);
  readerId = $state<ReaderId | null>(null);
  labels = $state.raw<string[]>(['DVT']);
  /** The label new boxes get. */
  label = $state('DVT');
  /** Every reader's live boxes of the open series, in slice order. */
  boxes = $state.raw<AnnotationBox[]>([]);
  seriesUid = $state<SeriesUid | null>(null);
  selectedId = $state<BoxId | null>(null);
  tool = $state<Tool>('select');
  showOthers = $state(true);
  showHelp = $state(false);
  /** Main's message for the last refused edit (or why an action did nothing). */
  error = $state<string | null>(null);
  /** What the last edit did, for the status line and for tests to wait on. */
  status = $state('');
  caseState = $state.raw<CaseState | null>(null);
  cases = $state.raw<CaseProgress[]>([]);
  /** The box being drawn, moved or resized, before main has it. */
  draft = $state.raw<{ id: BoxId | null; box: DicomPixelBox } | null>(null);
  /**
   * A box the reader edits with the handles before it is stored: a suggestion being adjusted. It moves
   * and resizes as an own box does; whoever set it stores it (and clears it).
   */
  adjusting = $state.raw<AdjustingBox | null>(null);
  /** Bumped when the undo stack changes, so that its buttons follow. */
  private stackVersion = $state(0);

  readonly reader = $derived(this.readers.find((r) => r.id === this.readerId) ?? null);
  readonly locked = $derived(this.caseState?.status === 'done');
  readonly mine = $derived(this.boxes.filter((b) => b.readerId === this.readerId));
  readonly selected = $derived(this.boxes.find((b) => b.id === this.selectedId) ?? null);
  readonly canUndo = $derived.by(() => (void this.stackVersion, this.stack()?.canUndo ?? false));
  readonly canRedo = $derived.by(() => (void this.stackVersion, this.stack()?.canRedo ?? false));

  private gesture: Gesture | null = null;
  /** One undo stack per reader and case, kept while the app runs. Not reactive: stackVersion is. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a plain cache; stackVersion signals changes
  private readonly stacks = new Map<string, UndoStack>();
  private openToken = 0;

  private readonly sink: BoxSink = {
    upsert: (bs) => {
      const fresh = bs.filter((b) => b.seriesUid === this.seriesUid);
      if (fresh.length === 0) return;
      const ids = fresh.map((b) => b.id);
      this.boxes = [...this.boxes.filter((b) => !ids.includes(b.id)), ...fresh].sort(
        (a, b) => a.sliceIndex - b.sliceIndex || a.id - b.id,
      );
    },
    remove: (ids) => {
      this.boxes = this.boxes.filter((b) => !ids.includes(b.id));
      if (this.selectedId !== null && ids.includes(this.selectedId)) this.selectedId = null;
    },
  };

  constructor(
    private readonly api: DvtApi,
    private readonly viewer: ViewerState,
  ) {}

  /** Readers, labels and the case list; picks the reader chosen last time on this machine, if any. */
  async init(): Promise<void> {
    const readers = await this.api.invoke('readers:list', {});
    if (readers.ok) this.readers = readers.value;
    else this.error = readers.error.message;
    await this.refreshLabels();
    const saved = Number(globalThis.localStorage?.getItem(READER_KEY));
    const known = this.readers.find((r) => r.id === saved);
    if (known) await this.chooseReader(known.id);
    await this.refreshCases();
  }

  async addReader(name: string): Promise<boolean> {
    const r = await this.api.invoke('readers:add', { name });
    if (!r.ok) {
      this.error = r.error.message;
      return false;
    }
    if (!this.readers.some((x) => x.id === r.value.id)) this.readers = [...this.readers, r.value];
    await this.chooseReader(r.value.id);
    await this.refreshCases();
    return true;
  }

  async chooseReader(id: ReaderId): Promise<void> {
    this.readerId = id;
    this.selectedId = null;
    this.error = null;
    globalThis.localStorage?.setItem(READER_KEY, String(id));
    this.stackVersion++;
    await this.loadCaseState();
  }

  /** Loads the boxes and case state of the series the viewer opened. */
  async openSeries(uid: SeriesUid | null): Promise<void> {
    const token = ++this.openToken;
    this.seriesUid = uid;
    this.boxes = [];
    this.selectedId = null;
    this.caseState = null;
    this.draft = null;
    this.gesture = null;
    this.adjusting = null;
    this.stackVersion++;
    if (!uid) return;
    const r = await this.api.invoke('annotations:list', { seriesUid: uid });
    if (token !== this.openToken) return;
    if (r.ok) this.boxes = r.value;
    else this.error = r.error.message;
    // Readers added elsewhere (another window, the CLI) since start: learn their names.
    if (this.boxes.some((b) => !this.readers.some((x) => x.id === b.readerId))) await this.refreshReaders();
    await Promise.all([this.loadCaseState(), this.refreshLabels()]);
  }

  /** The workspace's label list (editable elsewhere): read at start and on each case opened. */
  async refreshLabels(): Promise<void> {
    const labels = await this.api.invoke('labels:list', {});
    if (!labels.ok || labels.value.length === 0) return;
    this.labels = labels.value;
    if (!labels.value.includes(this.label)) this.label = labels.value[0] as string;
  }

  /** Replaces the workspace's label list; main refuses to drop a label that live boxes still use. */
  async setLabels(labels: string[]): Promise<boolean> {
    const r = await this.api.invoke('labels:set', { labels });
    if (!r.ok) {
      this.error = r.error.message;
      return false;
    }
    this.error = null;
    this.labels = r.value;
    if (!r.value.includes(this.label)) this.label = r.value[0] ?? this.label;
    return true;
  }

  async refreshReaders(): Promise<void> {
    const r = await this.api.invoke('readers:list', {});
    if (r.ok) this.readers = r.value;
  }

  async refreshCases(): Promise<void> {
    const r = await this.api.invoke('cases:list', {});
    if (r.ok) this.cases = r.value;
  }

  /** Boxes drawn on the slice on screen: the reader's own, and others' when shown. */
  visibleOn(sliceIndex: number): { own: AnnotationBox[]; others: AnnotationBox[] } {
    const on = this.boxes.filter((b) => b.sliceIndex === sliceIndex);
    return {
      own: on.filter((b) => b.readerId === this.readerId),
      others: this.showOthers ? on.filter((b) => b.readerId !== this.readerId) : [],
    };
  }

  readerName(id: ReaderId): string {
    return this.readers.find((r) => r.id === id)?.name ?? `reader ${id}`;
  }

  // ---- pointer gestures (image coordinates; `scale` is screen pixels per image pixel) ----

  /** Starts a gesture for a left press; false when the press means nothing here. */
  pointerDown(p: ImagePoint, scale: ScreenScale): boolean {
    if (this.readerId === null || !this.seriesUid) return false;
    const adj = this.adjusting;
    if (adj && adj.sliceIndex === this.viewer.index) {
      const handle = handleAt(adj.box, p, scale);
      if (handle || boxAt([adj], p, scale))
        return this.begin({ kind: 'adjust', handle, start: p, from: adj.box });
    }
    const own = this.visibleOn(this.viewer.index).own;
    const sel = this.selected;
    if (sel && sel.readerId === this.readerId && sel.sliceIndex === this.viewer.index) {
      const handle = handleAt(sel.box, p, scale);
      if (handle) return this.begin({ kind: 'resize', id: sel.id, handle, start: p, from: sel.box });
    }
    if (this.tool === 'box') return this.begin({ kind: 'draw', start: p, scale });
    const hit = boxAt(own, p, scale) ?? boxAt(this.visibleOn(this.viewer.index).others, p, scale);
    this.selectedId = hit?.id ?? null;
    if (hit && hit.readerId === this.readerId)
      return this.begin({ kind: 'move', id: hit.id, start: p, from: hit.box });
    return false;
  }

  pointerMove(p: ImagePoint): void {
    const g = this.gesture;
    if (!g) return;
    const image = { cols: this.viewer.cols, rows: this.viewer.rows };
    const dx = p.x - g.start.x;
    const dy = p.y - g.start.y;
    if (g.kind === 'draw') {
      const box = boxFromDrag(g.start, p, image);
      this.draft = box ? { id: null, box } : null;
    } else if (g.kind === 'adjust') {
      const box = g.handle ? resizeBox(g.from, g.handle, dx, dy, image) : moveBox(g.from, dx, dy, image);
      if (this.adjusting) this.adjusting = { ...this.adjusting, box };
    } else if (g.kind === 'move') {
      this.draft = { id: g.id, box: moveBox(g.from, dx, dy, image) };
    } else {
      this.draft = { id: g.id, box: resizeBox(g.from, g.handle, dx, dy, image) };
    }
  }

  /** Ends the gesture and sends its edit to main (after any edit still on its way). */
  pointerUp(): Promise<void> {
    const g = this.gesture;
    const draft = this.draft;
    this.gesture = null;
    // An adjusted box stays local until its owner stores it.
    if (g?.kind === 'adjust') return Promise.resolve();
    if (g?.kind === 'draw' && !draft) {
      // A click with the box tool draws nothing: it selects the box under it, as the select tool would.
      const { own, others } = this.visibleOn(this.viewer.index);
      this.selectedId = (boxAt(own, g.start, g.scale) ?? boxAt(others, g.start, g.scale))?.id ?? null;
      return Promise.resolve();
    }
    if (!g || !draft) {
      this.draft = null;
      return Promise.resolve();
    }
    const sliceIndex = this.viewer.index;
    return this.enqueue(async () => {
      if (g.kind === 'draw') {
        await this.createOn([{ sliceIndex, box: draft.box }], this.label, 'draw box');
      } else {
        const box = this.boxes.find((b) => b.id === g.id);
        if (box && !sameBox(box.box, draft.box)) {
          const before = placeOf(box);
          await this.update(
            box,
            { ...before, box: draft.box },
            g.kind === 'move' ? 'move box' : 'resize box',
          );
        }
      }
      // A later gesture may have its own draft by now.
      if (this.draft === draft) this.draft = null;
    });
  }

  /** The CSS cursor for the pointer at this image point. */
  cursorAt(p: ImagePoint | null, scale: ScreenScale): string {
    if (!p || this.readerId === null) return 'crosshair';
    const adj = this.adjusting;
    if (adj && adj.sliceIndex === this.viewer.index) {
      const h = handleAt(adj.box, p, scale);
      if (h) return HANDLE_CURSORS[h];
      if (boxAt([adj], p, scale)) return 'move';
    }
    const sel = this.selected;
    if (sel && sel.readerId === this.readerId && sel.sliceIndex === this.viewer.index) {
      const h = handleAt(sel.box, p, scale);
      if (h) return HANDLE_CURSORS[h];
    }
    if (this.tool === 'box') return 'crosshair';
    return boxAt(this.visibleOn(this.viewer.index).own, p, scale) ? 'move' : 'default';
  }

  // ---- edits ----

  // Edits run one after another, each reading the selection when its turn comes: an I pressed while
  // the box just drawn is on its way to main interpolates from that box, not from the one before.
  deleteSelected = (): Promise<void> => this.enqueue(() => this.deleteSelectedNow());
  relabel = (label: string): Promise<void> => this.enqueue(() => this.relabelNow(label));
  nextLabel = (): Promise<void> => this.enqueue(() => this.nextLabelNow());
  copy = (delta: 1 | -1): Promise<void> => this.enqueue(() => this.copyNow(delta));
  interpolate = (): Promise<void> => this.enqueue(() => this.interpolateNow());
  undo = (): Promise<void> => this.enqueue(async () => this.show(await this.stack()?.undo(), 'undo'));
  redo = (): Promise<void> => this.enqueue(async () => this.show(await this.stack()?.redo(), 'redo'));

  private async deleteSelectedNow(): Promise<void> {
    const sel = this.ownSelected('delete');
    if (!sel || this.readerId === null) return;
    await this.run(deleteBoxesCommand(this.api, this.sink, this.readerId, [sel.id]));
  }

  private async relabelNow(label: string): Promise<void> {
    const sel = this.selected;
    if (!sel || sel.readerId !== this.readerId) {
      this.label = label;
      return;
    }
    this.label = label;
    if (sel.label === label) return;
    await this.update(sel, { ...placeOf(sel), label }, 'relabel box');
  }

  /** L: the next label of the list, for the selected box or for new boxes. */
  private async nextLabelNow(): Promise<void> {
    const current = this.selected?.readerId === this.readerId ? this.selected.label : this.label;
    const i = this.labels.indexOf(current ?? '');
    await this.relabelNow(this.labels[(i + 1) % this.labels.length] as string);
  }

  /** Copies the selected box to the next (+1) or previous (−1) slice, goes there and selects the copy. */
  private async copyNow(delta: 1 | -1): Promise<void> {
    const sel = this.ownSelected('copy');
    if (!sel) return;
    const target = copyTargetSlice(sel.sliceIndex, delta, this.viewer.count);
    if (target === null) {
      this.error = `no ${delta > 0 ? 'next' : 'previous'} slice to copy to`;
      return;
    }
    const ok = await this.createOn([{ sliceIndex: target, box: sel.box }], sel.label, 'copy box');
    if (ok) this.viewer.goTo(target);
  }

  /**
   * Fills the slices between the selected box and the nearest box of the same reader and label on
   * another slice (nearest by slice, then by centre), each corner linear in slice index.
   */
  private async interpolateNow(): Promise<void> {
    const sel = this.ownSelected('interpolate from');
    if (!sel) return;
    const partner = interpolationPartner(sel, this.mine);
    if (!partner) {
      this.error = `interpolate needs a second '${sel.label}' box of yours on another slice: draw one there first`;
      return;
    }
    const between = interpolateBoxes(sel, partner);
    if (between.length === 0) {
      this.error = `the nearest '${sel.label}' box is on the adjacent slice: nothing lies between`;
      return;
    }
    const keep = this.selectedId;
    await this.createOn(between, sel.label, `interpolate ${between.length} boxes`);
    this.selectedId = keep;
  }

  select(id: BoxId | null): void {
    this.selectedId = id;
  }

  /**
   * Runs an undoable edit that is not a plain box edit (accepting or rejecting a suggestion) on this
   * reader's and case's undo stack, after any edit still on its way; `sink` keeps the boxes shown in
   * step with what main answers. True when main took it.
   */
  runCommand(make: (sink: BoxSink) => Command): Promise<boolean> {
    return new Promise((resolve) => {
      void this.enqueue(async () => {
        if (this.locked) {
          this.error = `this case is done for ${this.reader?.name ?? 'this reader'}: reopen it to edit`;
          resolve(false);
          return;
        }
        resolve(await this.run(make(this.sink)));
      });
    });
  }

  // ---- case state ----

  async setCase(update: Omit<CaseUpdate, 'seriesUid' | 'readerId'>): Promise<void> {
    if (!this.seriesUid || this.readerId === null) return;
    const r = await this.api.invoke('cases:set', {
      seriesUid: this.seriesUid,
      readerId: this.readerId,
      ...update,
    });
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.error = null;
    this.caseState = r.value;
    await this.refreshCases();
  }

  // ---- helpers ----

  private queue: Promise<void> = Promise.resolve();

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private begin(g: Gesture): boolean {
    if (this.locked) {
      this.error = `this case is done for ${this.reader?.name ?? 'this reader'}: reopen it to edit`;
      return false;
    }
    this.gesture = g;
    if (g.kind !== 'draw' && g.kind !== 'adjust') this.draft = { id: g.id, box: g.from };
    return true;
  }

  private ownSelected(what: string): AnnotationBox | null {
    const sel = this.selected;
    if (!sel) {
      this.error = `select a box to ${what}`;
      return null;
    }
    if (sel.readerId !== this.readerId) {
      this.error = `that box is ${this.readerName(sel.readerId)}'s: only its reader may edit it`;
      return null;
    }
    return sel;
  }

  private async createOn(
    boxes: readonly { sliceIndex: number; box: DicomPixelBox }[],
    label: string,
    what: string,
  ): Promise<boolean> {
    const slices = this.viewer.detail?.slices;
    if (!slices || !this.seriesUid || this.readerId === null) return false;
    const cmd = createBoxesCommand(
      this.api,
      this.sink,
      this.seriesUid,
      this.readerId,
      boxes.map((b) => ({
        sopInstanceUid: (slices[b.sliceIndex] as (typeof slices)[number]).sopInstanceUid,
        label,
        box: b.box,
      })),
      what,
    );
    const ok = await this.run(cmd);
    const last = cmd.ids().at(-1);
    if (ok && last !== undefined) this.selectedId = last;
    return ok;
  }

  private async update(box: AnnotationBox, after: BoxPlace, what: string): Promise<void> {
    if (this.readerId === null) return;
    await this.run(updateBoxCommand(this.api, this.sink, this.readerId, box.id, placeOf(box), after, what));
  }

  private async run(cmd: Command): Promise<boolean> {
    const stack = this.stack();
    if (!stack) return false;
    const r = await stack.run(cmd);
    this.show(r, cmd.label);
    return r.ok;
  }

  private show(r: StepResult | null | undefined, what: string): void {
    this.stackVersion++;
    if (!r) {
      this.status = `nothing to ${what}`;
      return;
    }
    if (!r.ok) {
      this.error = r.message;
      return;
    }
    this.error = null;
    this.status = `${what}: done`;
    if (this.caseState?.status === 'not-started') void this.loadCaseState();
    void this.refreshCases();
  }

  private stack(): UndoStack | null {
    if (!this.seriesUid || this.readerId === null) return null;
    const key = `${this.readerId} ${this.seriesUid}`;
    let s = this.stacks.get(key);
    if (!s) {
      s = new UndoStack();
      this.stacks.set(key, s);
    }
    return s;
  }

  private async loadCaseState(): Promise<void> {
    if (!this.seriesUid || this.readerId === null) {
      this.caseState = null;
      return;
    }
    const uid = this.seriesUid;
    const r = await this.api.invoke('cases:get', { seriesUid: uid, readerId: this.readerId });
    if (uid !== this.seriesUid) return;
    if (r.ok) this.caseState = r.value;
    else this.error = r.error.message;
  }
}

function sameBox(a: DicomPixelBox, b: DicomPixelBox): boolean {
  return a.x1 === b.x1 && a.y1 === b.y1 && a.x2 === b.x2 && a.y2 === b.y2;
}
