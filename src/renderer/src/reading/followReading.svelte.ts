// What keeps AI-assisted reading in step with the rest of the app, as effects of the App component
// (call followReading while it initialises): the worklist's model, auto-run setting and reads; the
// suggestions of the case open; where accepted boxes came from; and the reading clock, fed with the
// case a reader has open in the Read view, the page's visibility and whether suggestions are shown.
import { untrack } from 'svelte';
import type { DvtApi } from '../../../shared/ipc/api';
import type { SeriesUid } from '../../../shared/ids';
import type { AnnotationState } from '../annotation/annotationState.svelte';
import type { InferenceState } from '../inference/inferenceState.svelte';
import type { WorkspaceState } from '../workspace/workspaceState.svelte';
import { ReadingClock } from '../../../shared/reading/readingClock';
import type { SuggestionState } from './suggestionState.svelte';
import type { WorklistState } from './worklistState.svelte';

export interface ReadingParts {
  api: DvtApi;
  workspace: WorkspaceState;
  annotations: AnnotationState;
  inference: InferenceState;
  worklist: WorklistState;
  suggestions: SuggestionState;
  /** The series the viewer shows. */
  openSeries: () => SeriesUid | null;
  /** The Read view is shown (not Compare or Evaluate). */
  reading: () => boolean;
}

export function followReading(p: ReadingParts): void {
  const { api, workspace, annotations, inference, worklist, suggestions } = p;
  const workspaceOpen = $derived(workspace.info !== null);

  $effect(() => {
    if (workspaceOpen) untrack(() => void worklist.loadAutoRun());
  });
  // An import may have queued runs of the auto-run model: the jobs list (and its polling) follows.
  $effect(() => {
    void workspace.info?.counts.series;
    if (workspaceOpen) untrack(() => void inference.refreshJobs());
  });
  // A model chosen whenever some are registered.
  $effect(() => {
    void inference.models;
    untrack(() => worklist.ensureModel());
  });
  // Read the list again when what it shows may have moved: the model, reader or threshold; a job's
  // state (queued, running, finished); a case's status; an import.
  const jobStates = $derived(inference.jobs.map((j) => `${j.id}:${j.state}`).join(','));
  const caseStatuses = $derived(
    annotations.cases
      .map((c) => c.readers.find((r) => r.readerId === annotations.readerId)?.status ?? '')
      .join(','),
  );
  $effect(() => {
    void worklist.request;
    void jobStates;
    void caseStatuses;
    void workspace.info?.counts.series;
    untrack(() => void worklist.refresh());
  });
  // Poll while a study waits for the model (auto-run jobs start in main): the jobs list follows too.
  $effect(() => {
    if (!worklist.waiting) return;
    untrack(() => void inference.refreshJobs());
    return untrack(() => worklist.poll());
  });
  $effect(() => {
    void suggestions.request;
    untrack(() => void suggestions.load());
  });
  // Where accepted boxes came from, read again as the boxes change.
  $effect(() => {
    void annotations.boxes;
    untrack(() => void suggestions.loadProvenance());
  });

  // The reading clock. A lost event only shortens the time counted: nothing to show the reader.
  const clock = new ReadingClock(
    (kind, c, suggestionsShown) => void api.invoke('reading:event', { ...c, kind, suggestionsShown }),
  );
  let pageVisible = $state(document.visibilityState === 'visible');
  $effect(() => {
    const onVisibility = (): void => {
      pageVisible = document.visibilityState === 'visible';
    };
    const onPageHide = (): void => clock.close();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', onPageHide);
      clock.close();
    };
  });
  $effect(() => {
    const readerId = annotations.readerId;
    const uid = annotations.seriesUid;
    const open = p.reading() && uid !== null && uid === p.openSeries() && readerId !== null;
    const input = {
      case: open ? { seriesUid: uid, readerId } : null,
      visible: pageVisible,
      suggestionsShown: suggestions.shown,
    };
    untrack(() => clock.update(input));
  });
}
