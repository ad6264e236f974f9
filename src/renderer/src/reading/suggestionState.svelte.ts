// The model's suggestions on the case being read: the chosen worklist model's latest finished run on
// the open series, its predictions at or above the worklist threshold (main's order: best score
// first), with this reader's decisions. The reader steps through them (Tab), accepts one as it is or
// adjusted (it becomes their box, keeping its provenance), or rejects it with a reason; both go on the
// annotation undo stack. Whether they are shown is the reader's choice, and the reading clock records it.
import type { BoxId } from '../../../shared/annotation/schemas';
import type { RunId } from '../../../shared/ids';
import type { DvtApi } from '../../../shared/ipc/api';
import type {
  BoxProvenance,
  PredictionId,
  Suggestion,
  SuggestionDecision,
} from '../../../shared/reading/schemas';
import type { AnnotationState } from '../annotation/annotationState.svelte';
import type { ViewerState } from '../viewer/viewerState.svelte';
import { acceptSuggestionCommand, rejectSuggestionCommand } from './suggestionCommands';
import type { WorklistState } from './worklistState.svelte';

const SHOW_KEY = 'dvt.showSuggestions';

export type SuggestionStateName = 'pending' | 'accepted' | 'rejected';
export const stateOf = (s: Suggestion): SuggestionStateName => s.decision?.kind ?? 'pending';

/** The reason a reject sends: the free text for "other" when one is typed, else the reason picked. */
export function rejectReason(picked: string, other: string): string | null {
  const text = other.trim();
  if (picked === 'other' && text !== '') return text.slice(0, 200);
  return picked === '' ? null : picked;
}

export class SuggestionState {
  suggestions = $state.raw<Suggestion[]>([]);
  /** The run they come from; null when the model has no finished run on the series. */
  runId = $state<RunId | null>(null);
  /** Whether the suggestions are shown (on the image and in the list). */
  visible = $state(globalThis.localStorage?.getItem(SHOW_KEY) !== 'off');
  currentId = $state<PredictionId | null>(null);
  /** The suggestion whose box is being adjusted on the image (AnnotationState.adjusting holds the box). */
  adjustingId = $state<PredictionId | null>(null);
  /** The reject reason picked in the panel ('' for none) and the free text for "other". */
  reason = $state('');
  otherReason = $state('');
  /** Where the series' accepted boxes came from. */
  provenance = $state.raw<readonly BoxProvenance[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);

  readonly current = $derived(this.suggestions.find((s) => s.predictionId === this.currentId) ?? null);
  /** The case (series and reader) the loaded list belongs to. */
  private loadedCase = $state<string | null>(null);
  private readonly openCase = $derived.by(() =>
    this.annotations.seriesUid === null || this.annotations.readerId === null
      ? null
      : `${this.annotations.seriesUid}|${this.annotations.readerId}`,
  );
  /**
   * A finished run's suggestions are loaded for the open case (even if none reached the threshold).
   * Never true for a case just opened while the last case's list is still loaded: the reading clock
   * must not count a case as read with suggestions that were not shown for it.
   */
  readonly available = $derived(this.runId !== null && this.loadedCase === this.openCase);
  /** What the reading clock records: suggestions were on screen for this case. */
  readonly shown = $derived(this.visible && this.available);
  /** Tab, A, E and R act on suggestions (rather than doing what they do elsewhere). */
  readonly active = $derived(this.shown && this.suggestions.length > 0);
  readonly decided = $derived(this.suggestions.filter((s) => s.decision !== null).length);
  /** What the list was loaded for: reloaded when the case, reader, model, threshold or run changes. */
  readonly request = $derived.by(() => {
    const uid = this.annotations.seriesUid;
    const reader = this.annotations.readerId;
    const model = this.worklist.modelId;
    if (uid === null || reader === null || model === null) return null;
    const row = this.worklist.rowOf(uid);
    return `${uid}|${reader}|${model}|${this.worklist.threshold}|${row?.runId ?? ''}:${row?.runState ?? ''}`;
  });

  private token = 0;
  private provenanceToken = 0;

  constructor(
    private readonly api: DvtApi,
    private readonly annotations: AnnotationState,
    private readonly viewer: ViewerState,
    private readonly worklist: WorklistState,
  ) {}

  setVisible(on: boolean): void {
    this.visible = on;
    globalThis.localStorage?.setItem(SHOW_KEY, on ? 'on' : 'off');
    if (!on) this.cancelAdjust();
  }

  /** The suggestions drawn on slice `index` (none while hidden). */
  shownOn(index: number): Suggestion[] {
    return this.shown ? this.suggestions.filter((s) => s.sliceIndex === index) : [];
  }

  provenanceOf(id: BoxId | null): BoxProvenance | null {
    return id === null ? null : (this.provenance.find((p) => p.boxId === id) ?? null);
  }

  /** Loads the suggestions for the open case, reader and worklist model. */
  async load(): Promise<void> {
    const token = ++this.token;
    const seriesUid = this.annotations.seriesUid;
    const readerId = this.annotations.readerId;
    const modelId = this.worklist.modelId;
    const threshold = this.worklist.threshold;
    const keep = this.currentId;
    const forCase = this.openCase;
    this.cancelAdjust();
    if (seriesUid === null || readerId === null || modelId === null) {
      this.suggestions = [];
      this.runId = null;
      this.currentId = null;
      this.loadedCase = forCase;
      this.loading = false;
      return;
    }
    this.loading = true;
    const runs = await this.api.invoke('runs:list', { seriesUid });
    if (token !== this.token) return;
    // The newest finished run of the model on this series.
    const run = runs.ok
      ? (runs.value
          .filter((r) => r.modelId === modelId && r.status === 'done')
          .sort((a, b) => b.id - a.id)[0] ?? null)
      : null;
    const list = run
      ? await this.api.invoke('suggestions:list', { seriesUid, readerId, runId: run.id, threshold })
      : null;
    if (token !== this.token) return;
    this.loading = false;
    const failed = !runs.ok ? runs : list && !list.ok ? list : null;
    this.error = failed && !failed.ok ? failed.error.message : null;
    this.runId = run && list?.ok ? run.id : null;
    this.suggestions = list?.ok ? list.value : [];
    this.loadedCase = forCase;
    this.currentId = this.suggestions.some((s) => s.predictionId === keep) ? keep : null;
  }

  /** Where the series' accepted boxes came from (read again after each decision and box edit). */
  async loadProvenance(): Promise<void> {
    const token = ++this.provenanceToken;
    const seriesUid = this.annotations.seriesUid;
    if (seriesUid === null) {
      this.provenance = [];
      return;
    }
    const r = await this.api.invoke('suggestions:provenance', { seriesUid });
    if (token !== this.provenanceToken) return;
    if (r.ok) this.provenance = r.value;
  }

  /** Tab (+1) / Shift+Tab (−1): the next or previous suggestion by score, going round. */
  step(delta: 1 | -1): boolean {
    const list = this.shown ? this.suggestions : [];
    if (list.length === 0) return false;
    const at = list.findIndex((s) => s.predictionId === this.currentId);
    const next = at === -1 ? (delta > 0 ? 0 : list.length - 1) : (at + delta + list.length) % list.length;
    this.focus(list[next] as Suggestion);
    return true;
  }

  /** Makes a suggestion the current one: its slice, centred in the view; its box selected if accepted. */
  focus(s: Suggestion): void {
    if (this.adjustingId !== s.predictionId) this.cancelAdjust();
    this.currentId = s.predictionId;
    this.viewer.goTo(s.sliceIndex);
    this.viewer.centreOn((s.box.x1 + s.box.x2) / 2, (s.box.y1 + s.box.y2) / 2);
    this.annotations.select(s.decision?.boxId ?? null);
  }

  /** E: the current suggestion becomes an editable box on the image; A then accepts it as adjusted. */
  adjust(): void {
    const s = this.current;
    if (!s || s.decision !== null) return;
    if (this.annotations.locked) {
      this.annotations.error = 'this case is done: reopen it to adjust a suggestion';
      return;
    }
    this.viewer.goTo(s.sliceIndex);
    this.adjustingId = s.predictionId;
    this.annotations.select(null);
    this.annotations.adjusting = { sliceIndex: s.sliceIndex, box: s.box };
  }

  cancelAdjust(): void {
    if (this.adjustingId === null) return;
    this.adjustingId = null;
    this.annotations.adjusting = null;
  }

  /** A: the current suggestion (adjusted, if it is being adjusted) becomes the reader's box. */
  async accept(): Promise<void> {
    const s = this.current;
    const readerId = this.annotations.readerId;
    if (!s || s.decision !== null || readerId === null) return;
    const adjusted = this.adjustingId === s.predictionId ? (this.annotations.adjusting?.box ?? null) : null;
    const ok = await this.annotations.runCommand((sink) =>
      acceptSuggestionCommand(this.api, sink, this.onDecision, readerId, s, adjusted),
    );
    if (ok && this.adjustingId === s.predictionId) this.cancelAdjust();
  }

  /** R: rejects the current suggestion with the reason picked in the panel. */
  async reject(): Promise<void> {
    const s = this.current;
    const readerId = this.annotations.readerId;
    if (!s || s.decision !== null || readerId === null) return;
    const reason = rejectReason(this.reason, this.otherReason);
    const ok = await this.annotations.runCommand((sink) =>
      rejectSuggestionCommand(this.api, sink, this.onDecision, readerId, s, reason),
    );
    if (ok) {
      if (this.adjustingId === s.predictionId) this.cancelAdjust();
      this.reason = '';
      this.otherReason = '';
    }
  }

  /** Each decision made, redone or taken back: the list follows, and an accepted box is selected. */
  private readonly onDecision = (predictionId: PredictionId, decision: SuggestionDecision | null): void => {
    this.suggestions = this.suggestions.map((s) =>
      s.predictionId === predictionId ? { ...s, decision } : s,
    );
    if (decision?.boxId != null && predictionId === this.currentId) this.annotations.select(decision.boxId);
    void this.loadProvenance();
  };
}
