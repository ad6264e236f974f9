// The worklist's triage order and filters (shared/reading/worklistOrder.ts), rule by rule.
import { describe, expect, it } from 'vitest';
import type { CaseStatus } from '../../src/shared/annotation/schemas';
import type { RunId, SeriesUid } from '../../src/shared/ids';
import type { WorklistRow, WorklistRunState } from '../../src/shared/reading/schemas';
import { compareWorklistRows, filterWorklist, orderWorklist } from '../../src/shared/reading/worklistOrder';

function row(
  seriesUid: string,
  over: Partial<Omit<WorklistRow, 'seriesUid'>> & { runState?: WorklistRunState; status?: CaseStatus } = {},
): WorklistRow {
  const runState = over.runState ?? 'not-run';
  return {
    seriesUid: seriesUid as SeriesUid,
    patientId: 'P1',
    patientName: 'Doe^J',
    description: 'CTA',
    studyDate: '20240101',
    slices: 10,
    runId: runState === 'not-run' ? null : (1 as RunId),
    maxScore: runState === 'done' ? 0 : null,
    suggestions: 0,
    status: 'not-started',
    ...over,
    runState,
  };
}
const uids = (rows: readonly WorklistRow[]) => rows.map((r) => r.seriesUid);

describe('orderWorklist', () => {
  it('puts unread studies before read ones, whatever the model says', () => {
    const read = row('1.1', { runState: 'done', maxScore: 0.99, suggestions: 5, status: 'done' });
    const unread = row('1.2', { runState: 'not-run', status: 'in-progress' });
    const flagged = row('1.3', { runState: 'failed', status: 'flagged' });
    expect(uids(orderWorklist([read, unread, flagged]))).toEqual(['1.3', '1.2', '1.1']);
  });

  it('orders by run state: done, running, queued, failed, not-run', () => {
    const rows = [
      row('1.5', { runState: 'not-run' }),
      row('1.4', { runState: 'failed' }),
      row('1.3', { runState: 'queued' }),
      row('1.2', { runState: 'running' }),
      row('1.1', { runState: 'done', maxScore: 0 }),
    ];
    expect(orderWorklist(rows).map((r) => r.runState)).toEqual([
      'done',
      'running',
      'queued',
      'failed',
      'not-run',
    ]);
  });

  it('orders finished runs by highest score, then by number of suggestions, both descending', () => {
    const rows = [
      row('1.1', { runState: 'done', maxScore: 0.4, suggestions: 9 }),
      row('1.2', { runState: 'done', maxScore: 0.9, suggestions: 1 }),
      row('1.3', { runState: 'done', maxScore: 0.9, suggestions: 3 }),
      row('1.4', { runState: 'done', maxScore: 0, suggestions: 0 }),
    ];
    expect(uids(orderWorklist(rows))).toEqual(['1.3', '1.2', '1.1', '1.4']);
  });

  it('breaks remaining ties by patient ID, then series UID', () => {
    const rows = [
      row('1.9', { patientId: 'B', runState: 'done', maxScore: 0.5, suggestions: 1 }),
      row('1.8', { patientId: 'A', runState: 'done', maxScore: 0.5, suggestions: 1 }),
      row('1.7', { patientId: 'A', runState: 'done', maxScore: 0.5, suggestions: 1 }),
      row('1.6', { patientId: 'A', runState: 'queued' }),
      row('1.5', { patientId: 'C', runState: 'queued' }),
    ];
    expect(uids(orderWorklist(rows))).toEqual(['1.7', '1.8', '1.9', '1.6', '1.5']);
  });

  it('compares text by code unit, not by locale (the same order on every machine)', () => {
    const rows = [
      row('1.1', { patientId: 'b' }),
      row('1.2', { patientId: 'B' }),
      row('1.3', { patientId: 'a' }),
    ];
    expect(uids(orderWorklist(rows))).toEqual(['1.2', '1.3', '1.1']);
  });

  it('ignores scores of runs that did not finish', () => {
    const a = row('1.2', { runState: 'queued', maxScore: null, suggestions: 0 });
    const b = row('1.1', { runState: 'queued', maxScore: null, suggestions: 0 });
    expect(compareWorklistRows(a, b)).toBeGreaterThan(0);
  });

  it('returns a new array in the same order whatever the input order', () => {
    const rows = [
      row('1.1', { runState: 'done', maxScore: 0.3 }),
      row('1.2', { runState: 'running' }),
      row('1.3', { status: 'done' }),
      row('1.4', { runState: 'done', maxScore: 0.7 }),
    ];
    const reversed = [...rows].reverse();
    const sorted = orderWorklist(rows);
    expect(sorted).not.toBe(rows);
    expect(uids(rows)).toEqual(['1.1', '1.2', '1.3', '1.4']);
    expect(uids(orderWorklist(reversed))).toEqual(uids(sorted));
    expect(uids(sorted)).toEqual(['1.4', '1.1', '1.2', '1.3']);
  });
});

describe('filterWorklist', () => {
  const rows = [
    row('1.1', { status: 'done', runState: 'done', maxScore: 0.8, suggestions: 2 }),
    row('1.2', { status: 'flagged', runState: 'done', maxScore: 0.8, suggestions: 1 }),
    row('1.3', { status: 'in-progress', runState: 'done', maxScore: 0.05, suggestions: 0 }),
    row('1.4', { status: 'not-started' }),
  ];

  it('keeps everything with no filter on', () => {
    expect(uids(filterWorklist(rows, {}))).toEqual(['1.1', '1.2', '1.3', '1.4']);
    expect(uids(filterWorklist(rows, { unread: false, aiPositive: false, flagged: false }))).toHaveLength(4);
  });

  it('unread: status other than done', () => {
    expect(uids(filterWorklist(rows, { unread: true }))).toEqual(['1.2', '1.3', '1.4']);
  });

  it('AI-positive: at least one suggestion', () => {
    expect(uids(filterWorklist(rows, { aiPositive: true }))).toEqual(['1.1', '1.2']);
  });

  it('flagged: status flagged', () => {
    expect(uids(filterWorklist(rows, { flagged: true }))).toEqual(['1.2']);
  });

  it('several filters keep the rows passing all of them', () => {
    expect(uids(filterWorklist(rows, { unread: true, aiPositive: true }))).toEqual(['1.2']);
    expect(uids(filterWorklist(rows, { unread: true, aiPositive: true, flagged: true }))).toEqual(['1.2']);
    expect(uids(filterWorklist(rows, { aiPositive: true, flagged: true }))).toEqual(['1.2']);
  });
});
