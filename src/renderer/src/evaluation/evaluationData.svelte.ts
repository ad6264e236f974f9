// What the comparison and evaluation views evaluate: one reader's boxes as ground truth, the chosen
// runs (a run is one model on one series) pooled by model, and the IoU and score thresholds. Both
// views share it, so the numbers agree wherever they are shown.
import { SvelteSet } from 'svelte/reactivity';
import type { Reader, ReaderId } from '../../../shared/annotation/schemas';
import type { EvaluationDataset, FoldAssignment } from '../../../shared/evaluation/dataset';
import type { PreparedEvaluation } from '../../../shared/evaluation/prepared';
import { DEFAULT_EVAL_SETTINGS, type EvalSettings } from '../../../shared/evaluation/types';
import type { ModelId, RunId } from '../../../shared/ids';
import type { ModelSummary, RunSummary } from '../../../shared/inference/schemas';
import { REFERENCE_READER_NAME } from '../../../shared/reading/constants';
import type { DvtApi } from '../../../shared/ipc/api';
import { chunkRuns, joinDatasets } from './datasetChunks';
import { clashingRuns, foldMapOf, groupModels, pickRuns, prepareAll, type ModelGroup } from './models';

export class EvaluationData {
  readers = $state.raw<Reader[]>([]);
  readerId = $state<ReaderId | null>(null);
  /** Every run of the workspace, oldest first. */
  runs = $state.raw<RunSummary[]>([]);
  models = $state.raw<ModelSummary[]>([]);
  /** Runs evaluated. */
  readonly selected = new SvelteSet<RunId>();
  dataset = $state.raw<EvaluationDataset | null>(null);
  groups = $state.raw<ModelGroup[]>([]);
  folds = $state.raw<FoldAssignment | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Why the last fold assignment was refused. */
  foldsError = $state<string | null>(null);
  /** IoU at or above which a prediction hits a ground-truth box (the paper: 0.1). */
  iou = $state(DEFAULT_EVAL_SETTINGS.iouThreshold);
  /** Score at or above which a prediction counts (the paper: 0.1). */
  threshold = $state(DEFAULT_EVAL_SETTINGS.scoreThreshold);
  /**
   * What an evaluated image is: a whole slice, or a patch of the paper's patch set (128 px at
   * 0.695 mm around the reader's boxes and reference veins). Compare shows slices.
   */
  unit = $state<'slices' | 'patches'>('slices');
  /** Bumped each time a view opens (boxes, case states and reading times may have changed since). */
  opened = $state(0);

  readonly settings = $derived<EvalSettings>({
    ...DEFAULT_EVAL_SETTINGS,
    iouThreshold: this.iou,
    scoreThreshold: this.threshold,
  });
  /** Each model matched at the current IoU (threshold-free: a score threshold only reads it). */
  readonly prepared = $derived.by((): ReadonlyMap<string, PreparedEvaluation> => {
    return prepareAll(this.groups, this.iou);
  });
  readonly reader = $derived(this.readers.find((r) => r.id === this.readerId) ?? null);
  /** What the loaded dataset was asked for; the views reload when it differs from the choice. */
  readonly request = $derived(
    this.readerId === null || this.selected.size === 0
      ? null
      : `${this.unit}:${this.readerId}:${[...this.selected].sort((a, b) => a - b).join(',')}`,
  );

  private loadedFor: string | null = null;
  /** Finished runs already offered (not reactive: it only tells new runs from known ones). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- nothing shown depends on it
  private readonly seen = new Set<RunId>();
  private token = 0;

  constructor(private readonly api: DvtApi) {}

  /**
   * Readers, runs, models and folds as main has them now. The first time, the reader defaults to
   * the reader "reference" where there is one (a synthetic cohort's known thrombi, `dvt
   * reference-reader`; the demo has it), else `preferredReader` (the one annotating), and the runs to
   * every finished run.
   */
  async refresh(preferredReader: ReaderId | null = null): Promise<void> {
    const [readers, runs, models, folds] = await Promise.all([
      this.api.invoke('readers:list', {}),
      this.api.invoke('runs:list', {}),
      this.api.invoke('models:list', {}),
      this.api.invoke('folds:get', {}),
    ]);
    const failed = [readers, runs, models, folds].find((r) => !r.ok);
    if (failed && !failed.ok) this.error = failed.error.message;
    if (readers.ok) {
      this.readers = readers.value;
      const keep = readers.value.some((r) => r.id === this.readerId);
      if (!keep) {
        this.readerId =
          readers.value.find((r) => r.name.toLowerCase() === REFERENCE_READER_NAME)?.id ??
          readers.value.find((r) => r.id === preferredReader)?.id ??
          readers.value[0]?.id ??
          null;
      }
    }
    if (models.ok) this.models = models.value;
    if (folds.ok) this.folds = folds.value;
    if (runs.ok) {
      this.runs = runs.value;
      for (const id of this.selected)
        if (!runs.value.some((r) => r.id === id && r.status === 'done')) this.selected.delete(id);
      // The first time, and whenever nothing is chosen: every finished run (the newest per series).
      // Later, runs that finished since are chosen too (replacing an older run of the model there).
      if (this.seen.size === 0 || this.selected.size === 0)
        for (const id of pickRuns(runs.value)) this.selected.add(id);
      else
        for (const r of runs.value) if (r.status === 'done' && !this.seen.has(r.id)) this.setRun(r.id, true);
      for (const r of runs.value) if (r.status === 'done') this.seen.add(r.id);
    }
  }

  /** What opening Compare or Evaluate does: the lists again, then the dataset (boxes may have changed). */
  async open(preferredReader: ReaderId | null): Promise<void> {
    await this.refresh(preferredReader);
    this.opened++;
    await this.load(true);
  }

  /** Chooses or drops a run; choosing one drops the model's other runs on the same series. */
  setRun(id: RunId, on: boolean): void {
    if (!on) {
      this.selected.delete(id);
      return;
    }
    const run = this.runs.find((r) => r.id === id);
    if (!run) return;
    for (const other of clashingRuns(this.runs, run)) this.selected.delete(other);
    this.selected.add(id);
  }

  /** Chooses or drops every run of a model (the newest per series when choosing). */
  setModel(modelId: ModelId, on: boolean): void {
    const own = this.runs.filter((r) => r.modelId === modelId);
    for (const r of own) this.selected.delete(r.id);
    if (on) for (const id of pickRuns(own)) this.selected.add(id);
  }

  /** Loads the dataset for the current choice, unless it is loaded already (or `force`). */
  async load(force = false): Promise<void> {
    const request = this.request;
    if (!force && request === this.loadedFor) return;
    const token = ++this.token;
    this.loadedFor = request;
    const readerId = this.readerId;
    const unit = this.unit;
    const chosen = this.runs.filter((r) => this.selected.has(r.id));
    if (request === null || readerId === null || chosen.length === 0) {
      this.dataset = null;
      this.groups = [];
      return;
    }
    this.loading = true;
    try {
      const parts: EvaluationDataset[] = [];
      for (const runIds of chunkRuns(chosen)) {
        const r = await this.api.invoke('evaluation:dataset', { readerId, runIds, unit });
        if (token !== this.token) return;
        if (!r.ok) throw new Error(r.error.message);
        parts.push(r.value);
      }
      const dataset = joinDatasets(parts);
      this.groups = groupModels(dataset, this.models);
      this.dataset = dataset;
      this.error = null;
    } catch (e) {
      if (token !== this.token) return;
      this.loadedFor = null;
      this.dataset = null;
      this.groups = [];
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (token === this.token) this.loading = false;
    }
  }

  /** Splits the workspace's patients into k folds (seeded), replacing any earlier split. */
  async assignFolds(k: number, seed: number): Promise<void> {
    const r = await this.api.invoke('folds:assign', { k, seed });
    this.foldsError = r.ok ? null : r.error.message;
    if (r.ok) this.folds = r.value;
  }

  /** Each patient's stored fold, by patient ID. */
  readonly foldMap = $derived(foldMapOf(this.folds));
}
