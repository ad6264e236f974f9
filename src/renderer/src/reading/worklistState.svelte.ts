// The triage worklist: the workspace's studies ordered (by main) by the chosen model's suspicion, with
// where the model stands on each and the reader's status; the filters; and the model that new imports
// are run with. It is read again whenever something it shows may have moved (a job, an import, a case
// status), and polled while a study waits for the model.
import type { ReaderId } from '../../../shared/annotation/schemas';
import type { ModelId, SeriesUid } from '../../../shared/ids';
import type { ModelSummary } from '../../../shared/inference/schemas';
import type { DvtApi } from '../../../shared/ipc/api';
import { DEFAULT_SUGGESTION_THRESHOLD } from '../../../shared/reading/constants';
import type { AutoRun, Worklist, WorklistRow } from '../../../shared/reading/schemas';
import { filterWorklist } from '../../../shared/reading/worklistOrder';
import { NO_FILTERS, waitsForModel, type WorklistFilters } from './worklistView';

/** How often the list is read while a study is queued or running. */
export const WORKLIST_POLL_MS = 1000;
const MODEL_KEY = 'dvt.worklistModel';

/** What the worklist reads from the rest of the app. */
export interface WorklistSource {
  /** The registered models (the AI models panel keeps them). */
  models(): readonly ModelSummary[];
  /** The reader whose statuses the list shows. */
  readerId(): ReaderId | null;
}

export class WorklistState {
  worklist = $state.raw<Worklist | null>(null);
  modelId = $state<ModelId | null>(null);
  /** The threshold field's value, or null for the model's own default. */
  thresholdOverride = $state<number | null>(null);
  filters = $state.raw<WorklistFilters>(NO_FILTERS);
  autoRun = $state.raw<AutoRun | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  readonly models = $derived.by(() => this.source.models());
  readonly model = $derived(this.models.find((m) => m.id === this.modelId) ?? null);
  readonly threshold = $derived(
    this.thresholdOverride ?? this.model?.manifest.defaultScoreThreshold ?? DEFAULT_SUGGESTION_THRESHOLD,
  );
  /** Every row in main's order, and those the filters let through. */
  readonly allRows = $derived(this.worklist?.rows ?? []);
  readonly rows = $derived(filterWorklist(this.allRows, this.filters));
  readonly waiting = $derived(this.allRows.some(waitsForModel));
  readonly notRun = $derived(this.allRows.filter((r) => r.runState === 'not-run' || r.runState === 'failed'));
  readonly autoRunModel = $derived(this.models.find((m) => m.id === this.autoRun?.modelId) ?? null);
  /** What the list was asked for: it is read again when this changes. */
  readonly request = $derived.by(() =>
    this.modelId === null ? null : `${this.modelId}|${this.source.readerId() ?? ''}|${this.threshold}`,
  );

  private inFlight: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly api: DvtApi,
    private readonly source: WorklistSource,
  ) {}

  /** Keeps a model chosen: the one chosen last time here, else the auto-run one, else the first. */
  ensureModel(): void {
    if (this.models.some((m) => m.id === this.modelId)) return;
    const saved = Number(globalThis.localStorage?.getItem(MODEL_KEY));
    const pick =
      this.models.find((m) => m.id === saved) ??
      this.models.find((m) => m.id === this.autoRun?.modelId) ??
      this.models[0] ??
      null;
    this.modelId = pick?.id ?? null;
    if (pick === null) this.worklist = null;
  }

  chooseModel(id: ModelId): void {
    this.modelId = id;
    this.thresholdOverride = null;
    globalThis.localStorage?.setItem(MODEL_KEY, String(id));
  }

  setFilter(key: keyof WorklistFilters, on: boolean): void {
    this.filters = { ...this.filters, [key]: on };
  }

  rowOf(uid: SeriesUid | null): WorklistRow | null {
    return uid === null ? null : (this.allRows.find((r) => r.seriesUid === uid) ?? null);
  }

  /**
   * Reads the list again. Calls while a read is on its way make one more read after it (the last
   * change is always seen; a burst of changes costs two reads).
   */
  refresh(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.again = false;
          await this.load();
        } while (this.again);
      } finally {
        this.inFlight = null;
      }
    };
    this.inFlight = run();
    return this.inFlight;
  }

  private async load(): Promise<void> {
    const modelId = this.modelId;
    if (modelId === null) {
      this.worklist = null;
      return;
    }
    this.loading = true;
    const r = await this.api.invoke('worklist:get', {
      modelId,
      readerId: this.source.readerId(),
      threshold: this.threshold,
    });
    this.loading = false;
    if (modelId !== this.modelId) return; // another model was chosen meanwhile: its read follows
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.error = null;
    this.worklist = r.value;
  }

  /** Reads the list every WORKLIST_POLL_MS (run from an effect while `waiting`); returns the stop. */
  poll(): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      await this.refresh();
      if (!stopped) timer = setTimeout(() => void tick(), WORKLIST_POLL_MS);
    };
    timer = setTimeout(() => void tick(), WORKLIST_POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  async loadAutoRun(): Promise<void> {
    const r = await this.api.invoke('worklist:autorun-get', {});
    if (r.ok) this.autoRun = r.value;
    else this.error = r.error.message;
  }

  /** Runs new imports with the chosen model (on), or with none (off). */
  async setAutoRun(on: boolean): Promise<void> {
    const r = await this.api.invoke('worklist:autorun-set', { modelId: on ? this.modelId : null });
    if (r.ok) {
      this.autoRun = r.value;
      this.error = null;
    } else {
      this.error = r.error.message;
    }
  }
}
