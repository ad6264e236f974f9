// Models, inference jobs and the runs of the open series, and which runs' predictions the viewer
// draws. Jobs run in main one at a time; the renderer polls `inference:jobs` while any is queued or
// running (see `pollJobs`) and reloads the runs of the open series when one of its jobs moves on.
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { JobId, ModelId, RunId, SeriesUid } from '../../../shared/ids';
import type {
  Job,
  ModelSummary,
  Prediction,
  ProviderChoice,
  RunSummary,
} from '../../../shared/inference/schemas';
import type { DvtApi } from '../../../shared/ipc/api';
import { byId, groupBySlice, jobsMoved, runColour } from './format';

/** How often the jobs list is asked for while a job is queued or running. */
export const POLL_MS = 300;
/** What the slider shows before any model is known (the paper's operating point). */
const FALLBACK_THRESHOLD = 0.1;

export interface RunRequest {
  modelIds: ModelId[];
  seriesUids: SeriesUid[];
  provider: ProviderChoice;
  batchSize: number;
  stride: number;
  /** Leave out tiles that are black under the model's window (off: every tile, as the paper). */
  skipEmptyTiles: boolean;
}

/** All predictions of one run, as loaded once, and what the run looked like then. */
interface LoadedRun {
  status: RunSummary['status'];
  count: number;
  bySlice: ReadonlyMap<number, readonly Prediction[]>;
}

/** What the prediction layer draws for one run on one slice. */
export interface ShownRun {
  run: RunSummary;
  colour: string;
  threshold: number;
  predictions: readonly Prediction[];
}

const active = (j: Job): boolean => j.state === 'queued' || j.state === 'running';

export class InferenceState {
  models = $state.raw<ModelSummary[]>([]);
  /** Main has answered models:list at least once (an empty list then means none are registered). */
  modelsLoaded = $state(false);
  jobs = $state.raw<Job[]>([]);
  /** Runs of the open series, oldest first. */
  runs = $state.raw<RunSummary[]>([]);
  seriesUid = $state<SeriesUid | null>(null);
  /** Models ticked for the next run. */
  readonly selectedModels = new SvelteSet<ModelId>();
  /** Runs drawn on the image ("show on image"); kept across series, so a run comes back shown. */
  readonly visible = new SvelteSet<RunId>();
  /** P: every prediction on the image at once, whatever each run's checkbox says. */
  showPredictions = $state(true);
  /** The slider's value, or null for each model's own default threshold. */
  thresholdOverride = $state<number | null>(null);
  /** Loaded predictions of the open series' runs, by run (the values are not made reactive). */
  private readonly loaded = new SvelteMap<RunId, LoadedRun>();
  /** Runs whose predictions are being fetched. Not reactive: it only stops double loads. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- nothing shown depends on it
  private readonly loading = new Set<RunId>();

  /** Why the last list, cancel, delete or prediction call failed. */
  error = $state<string | null>(null);
  adding = $state(false);
  addError = $state<string | null>(null);
  added = $state.raw<{ model: ModelSummary; alreadyRegistered: boolean } | null>(null);
  starting = $state(false);
  runError = $state<string | null>(null);

  readonly busy = $derived(this.jobs.some(active));
  readonly modelById = $derived(byId(this.models));
  readonly shownRuns = $derived(this.runs.filter((r) => this.visible.has(r.id)));
  /** The threshold the slider shows by default: the manifest's of the first run shown (or model). */
  readonly defaultThreshold = $derived.by(() => {
    const model = this.shownRuns[0]?.modelId ?? this.models[0]?.id;
    return (
      (model !== undefined ? this.modelById.get(model)?.manifest.defaultScoreThreshold : undefined) ??
      FALLBACK_THRESHOLD
    );
  });
  readonly threshold = $derived(this.thresholdOverride ?? this.defaultThreshold);

  private jobsToken = 0;
  private runsToken = 0;

  constructor(private readonly api: DvtApi) {}

  /** Models and jobs as main has them now (the panel calls this once it shows). */
  async init(): Promise<void> {
    await Promise.all([this.refreshModels(), this.refreshJobs()]);
  }

  async refreshModels(): Promise<void> {
    const r = await this.api.invoke('models:list', {});
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.models = r.value;
    this.modelsLoaded = true;
    for (const id of this.selectedModels)
      if (!r.value.some((m) => m.id === id)) this.selectedModels.delete(id);
  }

  /**
   * Reads the jobs list; when a job of the open series has started or finished since the last read,
   * reads the series' runs again (a started job has made its run, a finished one has its results).
   */
  async refreshJobs(): Promise<void> {
    const token = ++this.jobsToken;
    const r = await this.api.invoke('inference:jobs', {});
    if (token !== this.jobsToken) return; // a later read is on its way
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    const before = this.jobs;
    this.jobs = r.value;
    if (this.seriesUid !== null && jobsMoved(before, r.value, this.seriesUid)) await this.refreshRuns();
  }

  /**
   * Polls the jobs list every POLL_MS while `busy`; the returned function stops it. The caller runs
   * this from an effect that depends on `busy`, so that polling stops once every job has finished.
   */
  pollJobs(): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      await this.refreshJobs();
      if (!stopped) timer = setTimeout(() => void tick(), POLL_MS);
    };
    timer = setTimeout(() => void tick(), POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  /** Follows the series the viewer shows: its runs, and the predictions of those shown. */
  async openSeries(uid: SeriesUid | null): Promise<void> {
    if (uid === this.seriesUid) return;
    this.seriesUid = uid;
    this.runs = [];
    this.loaded.clear();
    await this.refreshRuns();
  }

  async refreshRuns(): Promise<void> {
    const uid = this.seriesUid;
    const token = ++this.runsToken;
    if (uid === null) {
      this.runs = [];
      return;
    }
    const r = await this.api.invoke('runs:list', { seriesUid: uid });
    if (token !== this.runsToken || uid !== this.seriesUid) return;
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.runs = r.value;
    // Unknown models (registered elsewhere since start): learn their names and thresholds.
    if (r.value.some((run) => !this.modelById.has(run.modelId))) await this.refreshModels();
    await this.loadShown();
  }

  /** Loads the predictions of every shown run that has none loaded, or has more since they were. */
  private async loadShown(): Promise<void> {
    await Promise.all(
      this.shownRuns
        .filter((run) => {
          const l = this.loaded.get(run.id);
          return !l || l.status !== run.status || l.count !== run.predictionCount;
        })
        .map((run) => this.loadRun(run)),
    );
  }

  private async loadRun(run: RunSummary): Promise<void> {
    if (this.loading.has(run.id)) return;
    this.loading.add(run.id);
    const r = await this.api.invoke('runs:predictions', { runId: run.id });
    this.loading.delete(run.id);
    if (!r.ok) {
      this.error = `Could not load the predictions of run ${run.id}: ${r.error.message}`;
      return;
    }
    if (run.seriesUid !== this.seriesUid) return;
    this.loaded.set(run.id, { status: run.status, count: r.value.length, bySlice: groupBySlice(r.value) });
  }

  /** Whether the run's predictions are drawn on the image; the first show loads them. */
  async setVisible(runId: RunId, show: boolean): Promise<void> {
    if (!show) {
      this.visible.delete(runId);
      return;
    }
    this.visible.add(runId);
    // Ticking a run means wanting to see it: undo a P that hid everything.
    this.showPredictions = true;
    await this.loadShown();
  }

  isLoaded(runId: RunId): boolean {
    return this.loaded.has(runId);
  }

  /** The threshold a run's boxes are drawn at: the slider's, or its model's default. */
  thresholdOf(run: RunSummary): number {
    return (
      this.thresholdOverride ??
      this.modelById.get(run.modelId)?.manifest.defaultScoreThreshold ??
      this.defaultThreshold
    );
  }

  /** The shown runs' predictions on slice `index` at or above their threshold (empty while P hides them). */
  shownOn(index: number): ShownRun[] {
    if (!this.showPredictions) return [];
    const out: ShownRun[] = [];
    for (const run of this.shownRuns) {
      const l = this.loaded.get(run.id);
      if (!l) continue;
      const threshold = this.thresholdOf(run);
      const predictions = (l.bySlice.get(index) ?? []).filter((p) => p.score >= threshold);
      out.push({ run, colour: runColour(run.id), threshold, predictions });
    }
    return out;
  }

  /** Registers the .onnx file at `path`; main's refusal (naming the file and why) is shown as it is. */
  async addModel(path: string, name: string): Promise<boolean> {
    const p = path.trim();
    const n = name.trim();
    this.added = null;
    this.addError = null;
    if (p === '') {
      this.addError = 'Give the absolute path of an .onnx model file.';
      return false;
    }
    if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p)) {
      this.addError = `${p}: not an absolute path; give the full path of the .onnx file.`;
      return false;
    }
    this.adding = true;
    const r = await this.api.invoke('models:add', n === '' ? { path: p } : { path: p, name: n });
    this.adding = false;
    if (!r.ok) {
      this.addError = r.error.message;
      return false;
    }
    this.added = r.value;
    this.selectedModels.add(r.value.model.id);
    await this.refreshModels();
    return true;
  }

  /** Queues every chosen model × series pair; the polling takes it from there. */
  async start(req: RunRequest): Promise<boolean> {
    this.runError = null;
    if (req.modelIds.length === 0) {
      this.runError = 'Choose at least one model to run.';
      return false;
    }
    if (req.seriesUids.length === 0) {
      this.runError = 'Open a series first, or run on all series.';
      return false;
    }
    this.starting = true;
    const r = await this.api.invoke('inference:start', {
      modelIds: req.modelIds,
      seriesUids: req.seriesUids,
      params: {
        provider: req.provider,
        batchSize: req.batchSize,
        stride: req.stride,
        skipEmptyTiles: req.skipEmptyTiles,
      },
    });
    this.starting = false;
    if (!r.ok) {
      this.runError = r.error.message;
      return false;
    }
    // Show the new jobs at once; the polling (busy is now true) follows them.
    this.jobs = [...this.jobs, ...r.value.filter((j) => !this.jobs.some((k) => k.id === j.id))];
    await this.refreshJobs();
    return true;
  }

  async cancel(jobId: JobId): Promise<void> {
    const r = await this.api.invoke('inference:cancel', { jobId });
    if (!r.ok) this.error = r.error.message;
    await this.refreshJobs();
  }

  /** Removes a finished run and its predictions. */
  async deleteRun(runId: RunId): Promise<void> {
    const r = await this.api.invoke('runs:delete', { runId });
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.visible.delete(runId);
    this.loaded.delete(runId);
    await this.refreshRuns();
  }
}
