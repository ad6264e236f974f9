// The triage order of the worklist and its filters: plain functions over rows (zod-free, so the
// renderer can re-sort and filter without asking main).
import type { WorklistRow, WorklistRunState } from './schemas';

/**
 * The worklist's order, most urgent first:
 * 1. studies the reader has not read (status other than 'done') before read ones;
 * 2. within each, by the model's state: finished runs ('done') first, then 'running', 'queued',
 *    'failed', 'not-run' (a study nobody has looked at, model included, comes last);
 * 3. finished runs by highest score, descending, then by number of suggestions, descending;
 * 4. ties by patient ID, then series UID (code-unit order, not the locale's: the same on every machine).
 */
export function compareWorklistRows(a: WorklistRow, b: WorklistRow): number {
  return (
    Number(a.status === 'done') - Number(b.status === 'done') ||
    RUN_STATE_RANK[a.runState] - RUN_STATE_RANK[b.runState] ||
    (b.runState === 'done' ? scoreOf(b) - scoreOf(a) : 0) ||
    (b.runState === 'done' ? b.suggestions - a.suggestions : 0) ||
    compareText(a.patientId, b.patientId) ||
    compareText(a.seriesUid, b.seriesUid)
  );
}

const RUN_STATE_RANK: Record<WorklistRunState, number> = {
  done: 0,
  running: 1,
  queued: 2,
  failed: 3,
  'not-run': 4,
};

// A finished run always has a score (0 when it found nothing); −1 only guards a malformed row.
const scoreOf = (r: WorklistRow): number => r.maxScore ?? -1;
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The rows in worklist order (a new array). */
export function orderWorklist(rows: readonly WorklistRow[]): WorklistRow[] {
  return [...rows].sort(compareWorklistRows);
}

/** Filters that are on when true; several on keep the rows that pass all of them. */
export interface WorklistFilter {
  /** Not yet marked done by the reader. */
  unread?: boolean;
  /** The model made at least one suggestion (at or above the threshold). */
  aiPositive?: boolean;
  /** Flagged by the reader. */
  flagged?: boolean;
}

/** The rows passing the filter, in their given order. */
export function filterWorklist(rows: readonly WorklistRow[], filter: WorklistFilter): WorklistRow[] {
  return rows.filter(
    (r) =>
      (!filter.unread || r.status !== 'done') &&
      (!filter.aiPositive || r.suggestions > 0) &&
      (!filter.flagged || r.status === 'flagged'),
  );
}
