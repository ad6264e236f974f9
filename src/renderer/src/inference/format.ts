// Pure helpers of the inference panels: run colours, grouping predictions by slice, the P key and
// the text the lists show.
import type { KeyLike } from '../../../shared/imaging/keymap';
import type { SeriesUid } from '../../../shared/ids';
import type { CatalogTree } from '../../../shared/catalog/schemas';
import type { Job, ModelSummary, Prediction, ProviderChoice } from '../../../shared/inference/schemas';

/**
 * One colour per run, by run id. Kept apart from the other overlays: readers' boxes are green, other
 * readers' magenta, generated truth teal, veins blue, mimics orange.
 */
export const RUN_COLOURS = ['#ff4f4f', '#ffd23f', '#ff8ad8', '#a98bff', '#c8ff4f', '#ff9a3c'] as const;

export const runColour = (runId: number): string =>
  RUN_COLOURS[(runId - 1) % RUN_COLOURS.length] as (typeof RUN_COLOURS)[number];

/** Predictions of one run grouped by slice index, each slice's list best score first. */
export function groupBySlice(predictions: readonly Prediction[]): ReadonlyMap<number, readonly Prediction[]> {
  const bySlice = new Map<number, Prediction[]>();
  for (const p of predictions) {
    const list = bySlice.get(p.sliceIndex);
    if (list) list.push(p);
    else bySlice.set(p.sliceIndex, [p]);
  }
  for (const list of bySlice.values()) list.sort((a, b) => b.score - a.score);
  return bySlice;
}

/**
 * The provider choices of the run form, in the contract's order. Spelled out here rather than read
 * from the zod enum: importing a schema value would bundle zod, whose eval probe the CSP reports.
 * The Record makes the compiler check that every choice is listed.
 */
const CHOICES: Record<ProviderChoice, string> = {
  auto: 'auto (best available)',
  cuda: 'cuda',
  webgpu: 'webgpu',
  cpu: 'cpu',
};
export const PROVIDER_CHOICES = (Object.keys(CHOICES) as ProviderChoice[]).map((value) => ({
  value,
  text: CHOICES[value],
}));

/** Items by their id. */
export const byId = <K, T extends { id: K }>(items: readonly T[]): ReadonlyMap<K, T> =>
  new Map(items.map((x) => [x.id, x]));

/**
 * Whether a job of the series has started (it has made its run) or finished (the run has its results)
 * between two reads of the jobs list: then the series' runs are worth reading again.
 */
export function jobsMoved(before: readonly Job[], after: readonly Job[], seriesUid: SeriesUid): boolean {
  const was = byId(before);
  return after.some((j) => {
    if (j.seriesUid !== seriesUid || j.runId === null) return false;
    const w = was.get(j.id);
    return w === undefined || w.state !== j.state || w.runId !== j.runId;
  });
}

/** The P key (no modifier): show or hide every prediction on the image. */
export const isPredictionToggle = (e: KeyLike): boolean =>
  !e.ctrlKey && !e.metaKey && !e.altKey && (e.key === 'p' || e.key === 'P');

/** The shortcut the help overlay and the viewer panel list. */
export const PREDICTION_SHORTCUT = { keys: 'P', what: 'show / hide AI predictions' } as const;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** Local date and time of an ISO timestamp, to the second. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (v: number): string => String(v).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes(),
  )}:${pad(d.getSeconds())}`;
}

export const formatMsPerSlice = (ms: number | null): string =>
  ms === null ? '—' : ms >= 100 ? `${Math.round(ms)} ms/slice` : `${ms.toFixed(1)} ms/slice`;

/** What the models list says of a model's input, e.g. "3-slice · 128 px @ 0.695 mm · NCHW". */
export function describeInput(m: ModelSummary): string {
  const i = m.manifest.input;
  return `${i.slices}-slice · ${i.size} px @ ${i.pixelSpacingMm} mm · ${i.layout}`;
}

/** Short names of the series in the catalog, for the jobs list ("Patient · #3 CTA"). */
export function seriesNames(tree: CatalogTree | null): ReadonlyMap<SeriesUid, string> {
  const names = new Map<SeriesUid, string>();
  for (const p of tree?.patients ?? []) {
    for (const st of p.studies) {
      for (const s of st.series) {
        const what = `${s.seriesNumber !== null ? `#${s.seriesNumber} ` : ''}${s.description || s.modality || 'Series'}`;
        names.set(s.seriesUid, `${p.name || p.patientId || 'Anonymous'} · ${what}`);
      }
    }
  }
  return names;
}
