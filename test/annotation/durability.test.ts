// Kill a process in the middle of a burst of edits (SIGKILL: no cleanup, no flush), reopen its workspace,
// and find every edit it had acknowledged.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHandlers } from '../../src/main/services/handlers';
import { openWorkspace } from '../../src/main/workspace/workspace';
import type { AnnotationBox, BoxAction, BoxId, BoxSnapshot } from '../../src/shared/annotation/schemas';
import { annotationWorkspace, call, type AnnotationFixture } from './fixture';

const KILL_AFTER = 25;
const repoRoot = join(import.meta.dirname, '../..');

let fx: AnnotationFixture;
let readerId: number;
beforeAll(async () => {
  fx = await annotationWorkspace(1, 10);
  readerId = (await call(fx.handlers, 'readers:add', { name: 'Burst' })).id;
  await call(fx.handlers, 'labels:set', { labels: ['DVT', 'vein'] });
  await fx.ws.close();
}, 120_000);
afterAll(() => rmSync(fx.root, { recursive: true, force: true }));

interface Ack {
  i: number;
  channel: string;
  value: unknown;
}

/** Runs the burst, kills it once it has acknowledged KILL_AFTER edits, and gives every line it acknowledged. */
function burstUntilKilled(): Promise<{ acks: Ack[]; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/annotation/editBurst.ts', fx.wsDir, fx.series[0]?.uid ?? '', String(readerId)],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const acks: Ack[] = [];
  // Lines still in the pipe when the process dies are read too: they were acknowledged.
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('ack ')) return;
    acks.push(JSON.parse(line.slice(4)) as Ack);
    if (acks.length === KILL_AFTER) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.on('close', (_code, signal) => resolve({ acks, signal, stderr })));
}

const snapshot = (b: AnnotationBox): BoxSnapshot => ({
  label: b.label,
  box: b.box,
  sliceIndex: b.sliceIndex,
  sopInstanceUid: b.sopInstanceUid,
});

it('keeps every acknowledged edit across a SIGKILL mid-burst', async () => {
  const { acks, signal, stderr } = await burstUntilKilled();
  expect(stderr).toBe('');
  expect(signal).toBe('SIGKILL');
  expect(acks.length).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(acks.map((a) => a.i)).toEqual(acks.map((_, i) => i));

  // What each acknowledged edit did to each box, in order: the start of that box's history.
  const expected = new Map<BoxId, { action: BoxAction; after: BoxSnapshot | null }[]>();
  const note = (id: BoxId, action: BoxAction, after: BoxSnapshot | null): void => {
    expected.set(id, [...(expected.get(id) ?? []), { action, after }]);
  };
  for (const ack of acks) {
    if (ack.channel === 'annotations:create')
      for (const b of ack.value as AnnotationBox[]) note(b.id, 'create', snapshot(b));
    else if (ack.channel === 'annotations:update')
      note((ack.value as AnnotationBox).id, 'update', snapshot(ack.value as AnnotationBox));
    else if (ack.channel === 'annotations:delete')
      for (const id of (ack.value as { deleted: BoxId[] }).deleted) note(id, 'delete', null);
    else for (const b of ack.value as AnnotationBox[]) note(b.id, 'restore', snapshot(b));
  }

  const ws = openWorkspace(fx.wsDir);
  try {
    expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(ws.db.pragma('foreign_key_check')).toEqual([]);
    const handlers = createHandlers(ws);
    const live = new Map(
      (await call(handlers, 'annotations:list', { seriesUid: fx.series[0]?.uid ?? '' })).map((b) => [
        b.id,
        b,
      ]),
    );
    for (const [id, edits] of expected) {
      const history = await call(handlers, 'annotations:history', { id });
      expect(history.slice(0, edits.length).map((e) => ({ action: e.action, after: e.after }))).toEqual(
        edits,
      );
      // Where no later edit got through before the kill, the box is exactly as last acknowledged.
      if (history.length === edits.length) {
        const last = edits[edits.length - 1];
        const now = live.get(id);
        expect(now ? snapshot(now) : null).toEqual(last?.after ?? null);
      }
    }
    // At most the one edit that committed but was not yet acknowledged (a create of three boxes, say).
    const historyRows = ws.db
      .prepare<[], { n: number }>('SELECT count(*) AS n FROM annotation_history')
      .get()?.n;
    const acknowledgedRows = [...expected.values()].reduce((n, e) => n + e.length, 0);
    expect((historyRows ?? 0) - acknowledgedRows).toBeLessThanOrEqual(3);
  } finally {
    await ws.close();
  }
}, 60_000);
