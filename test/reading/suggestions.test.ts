// The 'suggestions:*' channels on a real workspace: a finished run with known predictions, two
// readers accepting (as suggested and adjusted), rejecting and undoing, through `dispatch`.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/main/services/handlers';
import type { Reader } from '../../src/shared/annotation/schemas';
import type { RunId } from '../../src/shared/ids';
import { BoxProvenance, Suggestion, SuggestionDecision } from '../../src/shared/reading/schemas';
import { call, refused, type FixtureSeries } from '../annotation/fixture';
import { pixelBox, readingWorkspace, storedRun, type ReadingFixture } from './fixture';

let fx: ReadingFixture;
let h: Handlers;
let drA: Reader;
let drB: Reader;
let s0: FixtureSeries;
let s1: FixtureSeries;
let run: RunId;
let otherRun: RunId;
let failedRun: RunId;

const decisionRows = () =>
  fx.ws.db
    .prepare<
      [],
      { id: number; reader_id: number; kind: string; box_id: number | null; undone_at: string | null }
    >('SELECT id, reader_id, kind, box_id, undone_at FROM suggestion_decisions ORDER BY id')
    .all();

beforeAll(async () => {
  fx = await readingWorkspace(2, 10);
  h = fx.handlers;
  [s0, s1] = fx.series as [FixtureSeries, FixtureSeries];
  drA = await call(h, 'readers:add', { name: 'Dr A' });
  drB = await call(h, 'readers:add', { name: 'Dr B' });
  run = storedRun(fx, s0, [
    { slice: 4, score: 0.5, box: [100, 100, 140, 130] },
    { slice: 2, score: 0.9, box: [200, 210, 230, 250] },
    { slice: 1, score: 0.5, box: [300, 300, 320, 330] },
    { slice: 6, score: 0.05, box: [10, 10, 30, 30] },
    { slice: 7, score: 0.1, box: [50, 60, 70, 80] },
  ]);
  otherRun = storedRun(fx, s1, [{ slice: 3, score: 0.7, box: [100, 100, 120, 120] }]);
  failedRun = storedRun(fx, s1, [], 'failed');
}, 120_000);

afterAll(async () => {
  await fx.ws.close();
  rmSync(fx.root, { recursive: true, force: true });
});

const list = (readerId = drA.id, threshold?: number) =>
  call(h, 'suggestions:list', {
    seriesUid: s0.uid,
    readerId,
    runId: run,
    ...(threshold !== undefined ? { threshold } : {}),
  });
const liveBoxes = async (readerId = drA.id) =>
  (await call(h, 'annotations:list', { seriesUid: s0.uid })).filter((b) => b.readerId === readerId);

describe('suggestions:list', () => {
  it('gives the predictions at or above the threshold, by score then slice, with their model', async () => {
    const suggestions = await list();
    for (const s of suggestions) expect(Suggestion.safeParse(s).success).toBe(true);
    expect(suggestions.map((s) => [s.score, s.sliceIndex])).toEqual([
      [0.9, 2],
      [0.5, 1],
      [0.5, 4],
      [0.1, 7],
    ]);
    expect(suggestions[0]).toMatchObject({
      runId: run,
      modelName: fx.model.name,
      sopInstanceUid: s0.sops[2],
      label: 'DVT',
      box: pixelBox(200, 210, 230, 250),
      decision: null,
    });
    expect(new Set(suggestions.map((s) => s.predictionId)).size).toBe(4);
    expect((await list(drA.id, 0.5)).map((s) => s.score)).toEqual([0.9, 0.5, 0.5]);
    expect(await list(drA.id, 0)).toHaveLength(5);
  });

  it('refuses a run that did not finish, a run of another series, and unknown ids', async () => {
    const failed = await refused(h, 'suggestions:list', {
      seriesUid: s1.uid,
      readerId: drA.id,
      runId: failedRun,
    });
    expect(failed.code).toBe('invalid-input');
    expect(failed.message).toMatch(/is failed: only a finished run/);
    const wrong = await refused(h, 'suggestions:list', {
      seriesUid: s0.uid,
      readerId: drA.id,
      runId: otherRun,
    });
    expect(wrong.message).toContain(`run ${otherRun} is of series ${s1.uid}, not of ${s0.uid}`);
    expect(
      (await refused(h, 'suggestions:list', { seriesUid: s0.uid, readerId: drA.id, runId: 999 })).code,
    ).toBe('not-found');
    expect(
      (await refused(h, 'suggestions:list', { seriesUid: s0.uid, readerId: 999, runId: run })).code,
    ).toBe('not-found');
  });
});

describe('accept, reject, undo', () => {
  it("accepts as suggested: the reader's box on the suggestion's slice, the decision with its provenance", async () => {
    const [top] = await list();
    const { decision, box } = await call(h, 'suggestions:accept', {
      readerId: drA.id,
      predictionId: top!.predictionId,
    });
    expect(SuggestionDecision.safeParse(decision).success).toBe(true);
    expect(box).toMatchObject({
      seriesUid: s0.uid,
      sopInstanceUid: s0.sops[2],
      sliceIndex: 2,
      readerId: drA.id,
      label: 'DVT',
      box: pixelBox(200, 210, 230, 250),
    });
    expect(decision).toMatchObject({
      seriesUid: s0.uid,
      readerId: drA.id,
      predictionId: top!.predictionId,
      runId: run,
      modelName: fx.model.name,
      modelSha256: fx.model.sha256,
      score: 0.9,
      label: 'DVT',
      sopInstanceUid: s0.sops[2],
      suggestedBox: pixelBox(200, 210, 230, 250),
      kind: 'accepted',
      reason: null,
      boxId: box.id,
    });
    expect((await liveBoxes()).map((b) => b.id)).toEqual([box.id]);
    expect((await list())[0]!.decision).toEqual(decision);
    // Dr B sees no decision of Dr A's.
    expect((await list(drB.id))[0]!.decision).toBeNull();
    // Accepting started the case.
    expect((await call(h, 'cases:get', { seriesUid: s0.uid, readerId: drA.id })).status).toBe('in-progress');
    const provenance = await call(h, 'suggestions:provenance', { seriesUid: s0.uid });
    expect(provenance).toEqual([
      {
        boxId: box.id,
        decisionId: decision.id,
        runId: run,
        modelName: fx.model.name,
        score: 0.9,
        suggestedBox: pixelBox(200, 210, 230, 250),
        adjusted: false,
      },
    ]);
    for (const p of provenance) expect(BoxProvenance.safeParse(p).success).toBe(true);
  });

  it('refuses a second decision on the same suggestion by the same reader, storing nothing', async () => {
    const [top] = await list();
    const before = decisionRows().length;
    const boxes = (await liveBoxes()).length;
    const again = await refused(h, 'suggestions:accept', {
      readerId: drA.id,
      predictionId: top!.predictionId,
    });
    expect(again.code).toBe('invalid-input');
    expect(again.message).toBe(
      `reader 'Dr A' already accepted suggestion ${top!.predictionId} (decision ${top!.decision!.id}); undo that decision first`,
    );
    const reject = await refused(h, 'suggestions:reject', {
      readerId: drA.id,
      predictionId: top!.predictionId,
    });
    expect(reject.message).toMatch(/already accepted/);
    expect(decisionRows()).toHaveLength(before);
    expect(await liveBoxes()).toHaveLength(boxes);
  });

  it('accepts with an adjusted box (provenance says adjusted), and notices a box moved later', async () => {
    const suggestions = await list();
    const onSlice1 = suggestions.find((s) => s.sliceIndex === 1)!;
    const onSlice4 = suggestions.find((s) => s.sliceIndex === 4)!;
    const adjusted = await call(h, 'suggestions:accept', {
      readerId: drA.id,
      predictionId: onSlice1.predictionId,
      box: pixelBox(298, 301, 325, 333.5),
    });
    expect(adjusted.box.box).toEqual(pixelBox(298, 301, 325, 333.5));
    expect(adjusted.box.sopInstanceUid).toBe(s0.sops[1]);
    expect(adjusted.decision.suggestedBox).toEqual(pixelBox(300, 300, 320, 330));
    const asIs = await call(h, 'suggestions:accept', {
      readerId: drA.id,
      predictionId: onSlice4.predictionId,
    });
    const adjustedOf = async () =>
      new Map(
        (await call(h, 'suggestions:provenance', { seriesUid: s0.uid })).map((p) => [p.boxId, p.adjusted]),
      );
    expect((await adjustedOf()).get(adjusted.box.id)).toBe(true);
    expect((await adjustedOf()).get(asIs.box.id)).toBe(false);
    // Moved to another slice with the same coordinates: adjusted too.
    await call(h, 'annotations:update', { readerId: drA.id, id: asIs.box.id, sopInstanceUid: s0.sops[5] });
    expect((await adjustedOf()).get(asIs.box.id)).toBe(true);
  });

  it('rejects with a reason; another reader decides on the same suggestion independently', async () => {
    const last = (await list()).find((s) => s.sliceIndex === 7)!;
    const { decision } = await call(h, 'suggestions:reject', {
      readerId: drA.id,
      predictionId: last.predictionId,
      reason: 'flow artefact',
    });
    expect(decision).toMatchObject({ kind: 'rejected', reason: 'flow artefact', boxId: null, score: 0.1 });
    expect((await list()).find((s) => s.sliceIndex === 7)!.decision).toEqual(decision);
    const byB = await call(h, 'suggestions:reject', { readerId: drB.id, predictionId: last.predictionId });
    expect(byB.decision.reason).toBeNull();
    expect((await call(h, 'cases:get', { seriesUid: s0.uid, readerId: drB.id })).status).toBe('in-progress');
    // No box for a rejection.
    expect(await liveBoxes(drB.id)).toHaveLength(0);
    const blank = await refused(h, 'suggestions:reject', {
      readerId: drA.id,
      predictionId: last.predictionId,
      reason: '  ',
    });
    expect(blank.code).toBe('invalid-input');
  });

  it('undoes an accept (the box is deleted, the suggestion pending again, history kept) and a rejection', async () => {
    const top = (await list())[0]!;
    const decisionId = top.decision!.id;
    const boxId = top.decision!.boxId!;
    const undone = await call(h, 'suggestions:undo', { readerId: drA.id, decisionId });
    expect(undone).toEqual({ undone: decisionId, deletedBoxId: boxId });
    expect((await liveBoxes()).map((b) => b.id)).not.toContain(boxId);
    expect((await list())[0]!.decision).toBeNull();
    expect(
      (await call(h, 'suggestions:provenance', { seriesUid: s0.uid })).map((p) => p.boxId),
    ).not.toContain(boxId);
    const history = await call(h, 'annotations:history', { id: boxId });
    expect(history.map((e) => e.action)).toEqual(['create', 'delete']);
    const row = decisionRows().find((d) => d.id === decisionId)!;
    expect(row.undone_at).not.toBeNull();

    // Accepted again: a new decision and a new box, the old decision kept as history.
    const again = await call(h, 'suggestions:accept', { readerId: drA.id, predictionId: top.predictionId });
    expect(again.decision.id).not.toBe(decisionId);
    expect(again.box.id).not.toBe(boxId);

    const rejected = (await list()).find((s) => s.sliceIndex === 7)!.decision!;
    expect(await call(h, 'suggestions:undo', { readerId: drA.id, decisionId: rejected.id })).toEqual({
      undone: rejected.id,
      deletedBoxId: null,
    });
    expect((await list()).find((s) => s.sliceIndex === 7)!.decision).toBeNull();
  });

  it("refuses another reader's undo, an undo twice, and an unknown decision", async () => {
    const top = (await list())[0]!;
    const byB = await refused(h, 'suggestions:undo', { readerId: drB.id, decisionId: top.decision!.id });
    expect(byB.code).toBe('invalid-input');
    expect(byB.message).toBe(
      `decision ${top.decision!.id} belongs to reader 'Dr A'; only its own reader may undo it, not 'Dr B'`,
    );
    expect((await list())[0]!.decision).not.toBeNull();
    const firstDecision = decisionRows()[0]!;
    const twice = await refused(h, 'suggestions:undo', { readerId: drA.id, decisionId: firstDecision.id });
    expect(twice.message).toMatch(new RegExp(`^decision ${firstDecision.id} was already undone \\(at `));
    expect((await refused(h, 'suggestions:undo', { readerId: drA.id, decisionId: 9999 })).code).toBe(
      'not-found',
    );
  });

  it('keeps an accepted box the reader deleted deleted when the decision is undone', async () => {
    const onSlice4 = (await list()).find((s) => s.sliceIndex === 4)!;
    const boxId = onSlice4.decision!.boxId!;
    await call(h, 'annotations:delete', { readerId: drA.id, ids: [boxId] });
    expect(
      await call(h, 'suggestions:undo', { readerId: drA.id, decisionId: onSlice4.decision!.id }),
    ).toEqual({
      undone: onSlice4.decision!.id,
      deletedBoxId: null,
    });
  });

  it('refuses decisions and undos on a case its reader marked done, storing nothing', async () => {
    await call(h, 'cases:set', { seriesUid: s0.uid, readerId: drB.id, status: 'done' });
    const before = decisionRows().length;
    const top = (await list(drB.id))[0]!;
    const accept = await refused(h, 'suggestions:accept', {
      readerId: drB.id,
      predictionId: top.predictionId,
    });
    expect(accept.message).toBe(`case is done; reopen it to edit (series ${s0.uid})`);
    const reject = await refused(h, 'suggestions:reject', {
      readerId: drB.id,
      predictionId: top.predictionId,
    });
    expect(reject.message).toBe(`case is done; reopen it to edit (series ${s0.uid})`);
    const mine = (await list(drB.id)).find((s) => s.decision !== null)!.decision!;
    expect((await refused(h, 'suggestions:undo', { readerId: drB.id, decisionId: mine.id })).message).toMatch(
      /case is done/,
    );
    expect(decisionRows()).toHaveLength(before);
    await call(h, 'cases:set', { seriesUid: s0.uid, readerId: drB.id, status: 'in-progress' });
  });

  it('refuses a label that is not in the list, storing neither box nor decision', async () => {
    const onSlice1 = (await list(drB.id)).find((s) => s.sliceIndex === 1)!;
    const before = decisionRows().length;
    const bad = await refused(h, 'suggestions:accept', {
      readerId: drB.id,
      predictionId: onSlice1.predictionId,
      label: 'thrombus',
    });
    expect(bad.message).toMatch(/label 'thrombus' is not in the workspace's label list/);
    const outside = await refused(h, 'suggestions:accept', {
      readerId: drB.id,
      predictionId: onSlice1.predictionId,
      box: pixelBox(500, 500, 900, 900),
    });
    expect(outside.message).toMatch(/lies outside the/);
    expect(decisionRows()).toHaveLength(before);
    expect(await liveBoxes(drB.id)).toHaveLength(0);
  });

  it("keeps accepted boxes' provenance after their run is deleted", async () => {
    const accepted = await call(h, 'suggestions:accept', {
      readerId: drB.id,
      predictionId: (await list(drB.id))[0]!.predictionId,
    });
    const before = await call(h, 'suggestions:provenance', { seriesUid: s0.uid });
    expect(await call(h, 'runs:delete', { runId: run })).toEqual({ deleted: true });
    const after = await call(h, 'suggestions:provenance', { seriesUid: s0.uid });
    expect(after).toEqual(before);
    expect(after.find((p) => p.boxId === accepted.box.id)).toMatchObject({
      runId: run,
      modelName: fx.model.name,
      score: 0.9,
      adjusted: false,
    });
    expect(
      (await refused(h, 'suggestions:list', { seriesUid: s0.uid, readerId: drB.id, runId: run })).code,
    ).toBe('not-found');
    const gone = await refused(h, 'suggestions:accept', {
      readerId: drA.id,
      predictionId: accepted.decision.predictionId,
    });
    expect(gone.code).toBe('not-found');
    // The decision can still be undone: its box goes.
    expect(await call(h, 'suggestions:undo', { readerId: drB.id, decisionId: accepted.decision.id })).toEqual(
      { undone: accepted.decision.id, deletedBoxId: accepted.box.id },
    );
  });
});
