// Pure helpers of the worklist: the filter toggles, the badges a row shows and how a score is
// written. The order and the filters are shared/reading/worklistOrder.ts's (main orders the list).
import type { WorklistRow } from '../../../shared/reading/schemas';
import type { WorklistFilter } from '../../../shared/reading/worklistOrder';

/** The list's three toggles (unread, AI-positive, flagged), each on or off. */
export type WorklistFilters = Required<WorklistFilter>;

export const NO_FILTERS: WorklistFilters = { unread: false, aiPositive: false, flagged: false };

/** Where the model stands on a study, when that is not "finished": not run, queued, running, failed. */
export function runBadge(r: WorklistRow): { kind: string; text: string } | null {
  switch (r.runState) {
    case 'not-run':
      return { kind: 'not-run', text: 'not run' };
    case 'queued':
      return { kind: 'queued', text: 'queued' };
    case 'running':
      return { kind: 'running', text: 'running' };
    case 'failed':
      return { kind: 'failed', text: 'failed' };
    case 'done':
      return null;
  }
}

/** Where the reader stands on a study: read (done), flagged, in progress; nothing before they start. */
export function readerBadge(r: WorklistRow): { kind: string; text: string } | null {
  switch (r.status) {
    case 'done':
      return { kind: 'read', text: 'read' };
    case 'flagged':
      return { kind: 'flagged', text: 'flagged' };
    case 'in-progress':
      return { kind: 'in-progress', text: 'in progress' };
    case 'not-started':
      return null;
  }
}

/** Whether a study still waits for the model (the list is polled while any does). */
export const waitsForModel = (r: WorklistRow): boolean => r.runState === 'queued' || r.runState === 'running';

/** "0.87", or "—" before a finished run. */
export const formatScore = (s: number | null): string => (s === null ? '—' : s.toFixed(2));
