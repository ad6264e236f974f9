// The evaluation view's numbers: each model's point values at the current settings (computed at
// once), and, in the background after they are on screen, the bootstrap intervals (patients
// resampled, seeded) and the cross-validation over the stored folds. Groupings follow the paper's
// Tables 2 and 3: models by input (1-slice / 3-slice) and by backbone.
import { SvelteMap } from 'svelte/reactivity';
import { subsetByPatients } from '../../../shared/evaluation/input';
import { prepareEvaluation, type PreparedEvaluation } from '../../../shared/evaluation/prepared';
import type {
  BootstrapResult,
  CrossValidation,
  EvalInput,
  EvalSettings,
  Evaluation,
} from '../../../shared/evaluation/types';
import type { EvaluationData } from './evaluationData.svelte';
import { byKey, concatInputs, describeModel, distinct, type ModelGroup } from './models';
import { metricsOf, summarize, type MetricKey, type MetricSummary } from './metrics';

export interface ModelRow {
  key: string;
  model: ModelGroup;
  prepared: PreparedEvaluation;
  evaluation: Evaluation;
}

export interface GroupRow {
  key: string;
  title: string;
  members: ModelGroup[];
  /** Mean, min and max of the members' point values (the paper's Tables 2–3). */
  summary: Record<MetricKey, MetricSummary>;
  /** The members' detections pooled (each model's images counted apart). */
  pooled: { input: EvalInput; prepared: PreparedEvaluation; evaluation: Evaluation };
}

export interface Grouping {
  key: 'input' | 'backbone';
  title: string;
  rows: GroupRow[];
}

/** Tasks run after this long without a new change (the slider sends many). */
const SETTLE_MS = 150;

export class EvaluationViewState {
  resamples = $state(1000);
  seed = $state(20230101);
  readonly bootstraps = new SvelteMap<string, BootstrapResult>();
  readonly crossValidations = new SvelteMap<string, CrossValidation>();
  /** Background work: tasks done of those scheduled, and any failure. */
  progress = $state({ done: 0, total: 0 });
  backgroundError = $state<string | null>(null);

  readonly rows = $derived.by((): ModelRow[] => {
    const settings = this.data.settings;
    const prepared = this.data.prepared;
    return this.data.groups.map((model) => {
      const p = prepared.get(model.key)!;
      return { key: model.key, model, prepared: p, evaluation: p.evaluation(settings) };
    });
  });

  /** The groups' pooled inputs, matched at the current IoU (the score threshold only reads them). */
  private readonly pooledGroups = $derived.by(() => {
    const groups = this.data.groups;
    const iou = this.data.iou;
    const make = (
      key: Grouping['key'],
      of: (m: ModelGroup) => string | null,
      name: (v: string) => string,
    ) => {
      const values = distinct(groups.map(of));
      return values.map((v) => {
        const members = groups.filter((g) => of(g) === v);
        const input = concatInputs(members.map((g) => ({ key: g.key, input: g.input })));
        return {
          key: `${key}:${v}`,
          title: name(v),
          members,
          input,
          prepared: prepareEvaluation(input, iou),
        };
      });
    };
    return {
      input: make(
        'input',
        (m) => (m.slices === null ? null : String(m.slices)),
        (v) => `${v}-slice`,
      ),
      backbone: make(
        'backbone',
        (m) => m.backbone,
        (v) => v,
      ),
    };
  });

  readonly groupings = $derived.by((): Grouping[] => {
    const settings = this.data.settings;
    const rows = byKey(this.rows);
    const rowsOf = (list: (typeof this.pooledGroups)['input']): GroupRow[] =>
      list.map((g) => ({
        key: g.key,
        title: g.title,
        members: g.members,
        summary: summarize(g.members.map((m) => metricsOf(rows.get(m.key)!.evaluation))),
        pooled: { input: g.input, prepared: g.prepared, evaluation: g.prepared.evaluation(settings) },
      }));
    return [
      { key: 'input', title: 'By input (Table 2)', rows: rowsOf(this.pooledGroups.input) },
      { key: 'backbone', title: 'By backbone (Table 3)', rows: rowsOf(this.pooledGroups.backbone) },
    ];
  });

  constructor(readonly data: EvaluationData) {}

  /**
   * Starts the background work for the numbers on screen now: cross-validation (quick) then the
   * bootstrap of each model and group, one task per macrotask so that the page stays responsive.
   * Returns the cancel function (the view's effect calls it when anything changes).
   */
  startBackground(): () => void {
    const settings = this.data.settings;
    const rows = this.rows;
    const groups = this.groupings.flatMap((g) => g.rows);
    const folds = this.data.foldMap;
    const hasFolds = (this.data.folds?.k ?? null) !== null;
    const options = { resamples: this.resamples, seed: this.seed };
    this.bootstraps.clear();
    this.crossValidations.clear();
    this.backgroundError = null;
    const tasks: (() => void)[] = [];
    if (hasFolds) {
      for (const r of rows)
        tasks.push(() => this.crossValidations.set(r.key, crossValidateKnown(r.prepared, settings, folds)));
    }
    for (const r of rows)
      tasks.push(() => this.bootstraps.set(r.key, r.prepared.bootstrap(settings, options)));
    for (const g of groups)
      tasks.push(() => this.bootstraps.set(g.key, g.pooled.prepared.bootstrap(settings, options)));
    this.progress = { done: 0, total: tasks.length };

    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let frame = 0;
    const next = (i: number): void => {
      if (cancelled) return;
      if (i >= tasks.length) return;
      try {
        tasks[i]!();
      } catch (e) {
        this.backgroundError = e instanceof Error ? e.message : String(e);
      }
      this.progress = { done: i + 1, total: tasks.length };
      timer = setTimeout(() => next(i + 1), 0);
    };
    // After the point values are painted: wait for the change to settle, then for a frame.
    timer = setTimeout(() => {
      frame = requestAnimationFrame(() => {
        timer = setTimeout(() => next(0), 0);
      });
    }, SETTLE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      cancelAnimationFrame(frame);
    };
  }

  /** A short description of a model for table cells. */
  describe(m: ModelGroup): string {
    return describeModel(m);
  }
}

/**
 * Cross-validation over the stored folds. Patients without a fold (imported after the split) are left
 * out of it (the view says how many); the evaluator wants a fold for every patient of its input.
 */
function crossValidateKnown(
  prepared: PreparedEvaluation,
  settings: EvalSettings,
  folds: ReadonlyMap<string, number>,
): CrossValidation {
  const input = prepared.input;
  if (input.images.every((img) => folds.has(img.patientId))) return prepared.crossValidate(settings, folds);
  const known = input.images.map((img) => img.patientId).filter((p) => folds.has(p));
  return prepareEvaluation(subsetByPatients(input, known), settings.iouThreshold).crossValidate(
    settings,
    folds,
  );
}
