// Every annotation channel through `dispatch` (so the contract's validation runs), on a real workspace.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/main/services/handlers';
import type { AnnotationBox, Reader } from '../../src/shared/annotation/schemas';
import { contract } from '../../src/shared/ipc/contract';
import { annotationWorkspace, call, refused, type AnnotationFixture, type FixtureSeries } from './fixture';

let fx: AnnotationFixture;
let h: Handlers;
let a: FixtureSeries;
let b: FixtureSeries;
let alice: Reader;
let bob: Reader;

const px = (x1: number, y1: number, x2: number, y2: number) => ({
  space: 'dicom-pixel' as const,
  x1,
  y1,
  x2,
  y2,
});
const sop = (s: FixtureSeries, i: number) => s.sops[i] ?? '';

beforeAll(async () => {
  fx = await annotationWorkspace(2, 10);
  h = fx.handlers;
  [a, b] = fx.series as [FixtureSeries, FixtureSeries];
  alice = await call(h, 'readers:add', { name: 'Alice' });
  bob = await call(h, 'readers:add', { name: 'Bob' });
}, 120_000);
afterAll(async () => {
  await fx.ws.close();
  rmSync(fx.root, { recursive: true, force: true });
});

describe('readers', () => {
  it('lists readers, and adding a known name (any case) gives the existing reader', async () => {
    expect(await call(h, 'readers:list', {})).toEqual([alice, bob]);
    expect(await call(h, 'readers:add', { name: '  alice ' })).toEqual(alice);
    expect(await call(h, 'readers:list', {})).toHaveLength(2);
  });

  it('refuses an empty name', async () => {
    expect(await refused(h, 'readers:add', { name: '   ' })).toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/^readers:add: name: /) as unknown,
    });
  });
});

describe('labels', () => {
  it('starts with DVT and takes an edited list', async () => {
    expect(await call(h, 'labels:list', {})).toEqual(['DVT']);
    expect(await call(h, 'labels:set', { labels: ['DVT', 'vein', 'scratch'] })).toEqual([
      'DVT',
      'vein',
      'scratch',
    ]);
    expect(await call(h, 'labels:list', {})).toEqual(['DVT', 'vein', 'scratch']);
  });

  it('refuses duplicates and an empty list', async () => {
    expect((await refused(h, 'labels:set', { labels: ['DVT', 'dvt'] })).message).toMatch(/unique/);
    expect((await refused(h, 'labels:set', { labels: [] })).code).toBe('invalid-input');
  });

  it('refuses to drop a label still used by a box, naming it and the count', async () => {
    const made = await call(h, 'annotations:create', {
      seriesUid: b.uid,
      readerId: bob.id,
      boxes: [
        { sopInstanceUid: sop(b, 1), label: 'vein', box: px(10, 10, 40, 40) },
        { sopInstanceUid: sop(b, 2), label: 'vein', box: px(10, 10, 40, 40) },
      ],
    });
    expect(await refused(h, 'labels:set', { labels: ['DVT'] })).toEqual({
      code: 'invalid-input',
      message: "cannot remove label 'vein': 2 boxes still use it",
    });
    // Unused labels go; deleted boxes do not hold a label.
    expect(await call(h, 'labels:set', { labels: ['DVT', 'vein'] })).toEqual(['DVT', 'vein']);
    await call(h, 'annotations:delete', { readerId: bob.id, ids: made.map((m) => m.id) });
    expect(await call(h, 'labels:set', { labels: ['DVT'] })).toEqual(['DVT']);
    // …but a box cannot come back with a label that is gone.
    const back = await refused(h, 'annotations:restore', { readerId: bob.id, ids: [made[0]?.id] });
    expect(back.message).toBe(
      `box ${made[0]?.id} has label 'vein', which is no longer in the label list; add it back first`,
    );
    await call(h, 'labels:set', { labels: ['DVT', 'vein'] });
    expect(
      await call(h, 'annotations:restore', { readerId: bob.id, ids: made.map((m) => m.id) }),
    ).toHaveLength(2);
  });
});

describe('boxes', () => {
  let first: AnnotationBox;

  it('creates a box and lists it with its slice, in the contract shape', async () => {
    const [made] = await call(h, 'annotations:create', {
      seriesUid: a.uid,
      readerId: alice.id,
      boxes: [{ sopInstanceUid: sop(a, 4), label: 'DVT', box: px(100.5, 200.25, 130, 222) }],
    });
    first = made as AnnotationBox;
    expect(first).toMatchObject({
      seriesUid: a.uid,
      sopInstanceUid: sop(a, 4),
      sliceIndex: 4,
      readerId: alice.id,
      label: 'DVT',
      box: px(100.5, 200.25, 130, 222),
    });
    const listed = await call(h, 'annotations:list', { seriesUid: a.uid });
    expect(listed).toEqual([first]);
    expect(contract['annotations:list'].output.parse(listed)).toEqual(listed);
  });

  it('creates many boxes in one call (copy to next slices, interpolation), listed in slice order', async () => {
    const boxes = [7, 5, 6].map((i) => ({
      sopInstanceUid: sop(a, i),
      label: 'DVT',
      box: px(100, 200, 130 + i, 222),
    }));
    const made = await call(h, 'annotations:create', { seriesUid: a.uid, readerId: alice.id, boxes });
    expect(made.map((m) => m.sliceIndex)).toEqual([7, 5, 6]);
    const listed = await call(h, 'annotations:list', { seriesUid: a.uid });
    expect(listed.map((m) => m.sliceIndex)).toEqual([4, 5, 6, 7]);
    // Edges of the image are inside it.
    const [edge] = await call(h, 'annotations:create', {
      seriesUid: a.uid,
      readerId: bob.id,
      boxes: [{ sopInstanceUid: sop(a, 0), label: 'DVT', box: px(0, 0, a.cols, a.rows) }],
    });
    expect(edge?.box).toEqual(px(0, 0, 512, 512));
    await call(h, 'annotations:delete', { readerId: bob.id, ids: [edge?.id ?? 0] });
  });

  it('moves, resizes, relabels and moves to another slice; the owner only', async () => {
    const moved = await call(h, 'annotations:update', {
      readerId: alice.id,
      id: first.id,
      box: px(110, 210, 150, 240),
    });
    expect(moved.box).toEqual(px(110, 210, 150, 240));
    expect(moved.updatedAt >= first.updatedAt).toBe(true);
    const relabelled = await call(h, 'annotations:update', {
      readerId: alice.id,
      id: first.id,
      label: 'vein',
    });
    expect(relabelled).toMatchObject({ label: 'vein', box: px(110, 210, 150, 240) });
    const other = await call(h, 'annotations:update', {
      readerId: alice.id,
      id: first.id,
      sopInstanceUid: sop(a, 3),
    });
    expect(other).toMatchObject({ sliceIndex: 3, sopInstanceUid: sop(a, 3), label: 'vein' });
    expect(await refused(h, 'annotations:update', { readerId: bob.id, id: first.id, label: 'DVT' })).toEqual({
      code: 'invalid-input',
      message: `box ${first.id} belongs to reader 'Alice'; only its own reader may edit it, not 'Bob'`,
    });
    expect((await refused(h, 'annotations:update', { readerId: alice.id, id: first.id })).message).toMatch(
      /at least one of label, box, sopInstanceUid/,
    );
    expect(await refused(h, 'annotations:update', { readerId: alice.id, id: 999_999, label: 'DVT' })).toEqual(
      {
        code: 'not-found',
        message: 'no annotation box 999999',
      },
    );
    expect(
      await refused(h, 'annotations:update', { readerId: alice.id, id: first.id, sopInstanceUid: sop(b, 1) }),
    ).toEqual({
      code: 'invalid-input',
      message: `slice ${sop(b, 1)} is not in series ${a.uid}`,
    });
  });

  it('deletes softly and restores the same ids (undo), the owner only', async () => {
    expect(await refused(h, 'annotations:delete', { readerId: bob.id, ids: [first.id] })).toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/belongs to reader 'Alice'/) as unknown,
    });
    expect(await call(h, 'annotations:delete', { readerId: alice.id, ids: [first.id, first.id] })).toEqual({
      deleted: [first.id],
    });
    expect((await call(h, 'annotations:list', { seriesUid: a.uid })).map((x) => x.id)).not.toContain(
      first.id,
    );
    expect((await refused(h, 'annotations:delete', { readerId: alice.id, ids: [first.id] })).message).toBe(
      `box ${first.id} is deleted; restore it first`,
    );
    expect(
      (await refused(h, 'annotations:update', { readerId: alice.id, id: first.id, label: 'DVT' })).message,
    ).toBe(`box ${first.id} is deleted; restore it first`);
    const [back] = await call(h, 'annotations:restore', { readerId: alice.id, ids: [first.id] });
    expect(back).toMatchObject({ id: first.id, sliceIndex: 3, label: 'vein', box: px(110, 210, 150, 240) });
    expect((await refused(h, 'annotations:restore', { readerId: alice.id, ids: [first.id] })).message).toBe(
      `box ${first.id} is not deleted`,
    );
  });

  it("keeps each box's history: who, when, what changed", async () => {
    const history = await call(h, 'annotations:history', { id: first.id });
    expect(history.map((e) => e.action)).toEqual([
      'create',
      'update',
      'update',
      'update',
      'delete',
      'restore',
    ]);
    expect(history.every((e) => e.readerId === alice.id && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    const snap = (sliceIndex: number, label: string, box: ReturnType<typeof px>) => ({
      sliceIndex,
      sopInstanceUid: sop(a, sliceIndex),
      label,
      box,
    });
    expect(history[0]).toMatchObject({ before: null, after: snap(4, 'DVT', px(100.5, 200.25, 130, 222)) });
    expect(history[1]).toMatchObject({
      before: snap(4, 'DVT', px(100.5, 200.25, 130, 222)),
      after: snap(4, 'DVT', px(110, 210, 150, 240)),
    });
    expect(history[3]).toMatchObject({
      before: snap(4, 'vein', px(110, 210, 150, 240)),
      after: snap(3, 'vein', px(110, 210, 150, 240)),
    });
    expect(history[4]).toMatchObject({ before: snap(3, 'vein', px(110, 210, 150, 240)), after: null });
    expect(history[5]).toMatchObject({ before: null, after: snap(3, 'vein', px(110, 210, 150, 240)) });
    expect(await refused(h, 'annotations:history', { id: 424_242 })).toEqual({
      code: 'not-found',
      message: 'no annotation box 424242',
    });
  });
});

describe('bad boxes are refused with a clear message', () => {
  const create = (box: unknown, extra: Record<string, unknown> = {}) =>
    refused(h, 'annotations:create', {
      seriesUid: a.uid,
      readerId: alice.id,
      boxes: [{ sopInstanceUid: sop(a, 2), label: 'DVT', box }],
      ...extra,
    });

  it('outside the image', async () => {
    expect(await create(px(500, 10, 513, 20))).toEqual({
      code: 'invalid-input',
      message: 'box (500, 10)–(513, 20) lies outside the 512×512 image (x from 0 to 512, y from 0 to 512)',
    });
    expect((await create(px(-0.5, 10, 20, 20))).message).toMatch(/lies outside the 512×512 image/);
  });

  it('with zero or negative size, or not numbers', async () => {
    expect(await create(px(10, 10, 10, 20))).toEqual({
      code: 'invalid-input',
      message: 'annotations:create: boxes.0.box: a box needs x2 > x1 and y2 > y1',
    });
    expect((await create(px(30, 10, 20, 20))).message).toMatch(
      /boxes\.0\.box: a box needs x2 > x1 and y2 > y1/,
    );
    expect((await create({ ...px(0, 0, 1, 1), x2: Number.NaN })).code).toBe('invalid-input');
    expect((await create({ x1: 0, y1: 0, x2: 1, y2: 1 })).message).toMatch(/boxes\.0\.box\.space/);
  });

  it('on an unknown series, a slice of another series, or for an unknown reader', async () => {
    expect(await create(px(1, 1, 5, 5), { seriesUid: '1.2.3.4' })).toEqual({
      code: 'not-found',
      message: 'no series 1.2.3.4 in this workspace',
    });
    expect(
      await refused(h, 'annotations:create', {
        seriesUid: a.uid,
        readerId: alice.id,
        boxes: [
          { sopInstanceUid: sop(a, 2), label: 'DVT', box: px(1, 1, 5, 5) },
          { sopInstanceUid: sop(b, 2), label: 'DVT', box: px(1, 1, 5, 5) },
        ],
      }),
    ).toEqual({ code: 'invalid-input', message: `boxes[1]: slice ${sop(b, 2)} is not in series ${a.uid}` });
    expect(await create(px(1, 1, 5, 5), { readerId: 77 })).toEqual({
      code: 'not-found',
      message: 'no reader 77 in this workspace',
    });
    expect((await create(px(1, 1, 5, 5), { readerId: 'alice' })).message).toMatch(/readerId/);
  });

  it('with a label not in the list', async () => {
    expect(
      await refused(h, 'annotations:create', {
        seriesUid: a.uid,
        readerId: alice.id,
        boxes: [{ sopInstanceUid: sop(a, 2), label: 'clot', box: px(1, 1, 5, 5) }],
      }),
    ).toEqual({
      code: 'invalid-input',
      message: "label 'clot' is not in the workspace's label list ('DVT', 'vein')",
    });
  });

  it('all or nothing: one bad box leaves no box of the call', async () => {
    const before = (await call(h, 'annotations:list', { seriesUid: a.uid })).length;
    const error = await refused(h, 'annotations:create', {
      seriesUid: a.uid,
      readerId: alice.id,
      boxes: [
        { sopInstanceUid: sop(a, 2), label: 'DVT', box: px(1, 1, 5, 5) },
        { sopInstanceUid: sop(a, 3), label: 'DVT', box: px(1, 1, 600, 5) },
      ],
    });
    expect(error.message).toMatch(/^boxes\[1\]: box \(1, 1\)–\(600, 5\) lies outside/);
    expect(await call(h, 'annotations:list', { seriesUid: a.uid })).toHaveLength(before);
  });

  it('and too many boxes in one call', async () => {
    const boxes = Array.from({ length: 2001 }, () => ({
      sopInstanceUid: sop(a, 1),
      label: 'DVT',
      box: px(1, 1, 2, 2),
    }));
    expect(
      (await refused(h, 'annotations:create', { seriesUid: a.uid, readerId: alice.id, boxes })).message,
    ).toMatch(/boxes: Too big/);
  });
});

describe('case state', () => {
  it('is not started by default; a box edit makes it in progress', async () => {
    const carol = await call(h, 'readers:add', { name: 'Carol' });
    expect(await call(h, 'cases:get', { seriesUid: b.uid, readerId: carol.id })).toEqual({
      seriesUid: b.uid,
      readerId: carol.id,
      status: 'not-started',
      call: null,
      note: '',
      updatedAt: null,
    });
    await call(h, 'annotations:create', {
      seriesUid: b.uid,
      readerId: carol.id,
      boxes: [{ sopInstanceUid: sop(b, 5), label: 'DVT', box: px(1, 1, 5, 5) }],
    });
    expect((await call(h, 'cases:get', { seriesUid: b.uid, readerId: carol.id })).status).toBe('in-progress');
    // Other readers' state of the same case is their own.
    expect((await call(h, 'cases:get', { seriesUid: b.uid, readerId: alice.id })).status).toBe('not-started');
  });

  it('a done case is locked for its reader until reopened', async () => {
    const [box] = await call(h, 'annotations:create', {
      seriesUid: b.uid,
      readerId: alice.id,
      boxes: [{ sopInstanceUid: sop(b, 3), label: 'DVT', box: px(20, 20, 40, 40) }],
    });
    const id = box?.id ?? 0;
    const done = await call(h, 'cases:set', {
      seriesUid: b.uid,
      readerId: alice.id,
      status: 'done',
      call: 'present',
    });
    expect(done).toMatchObject({ status: 'done', call: 'present', note: '' });
    const locked = { code: 'invalid-input', message: `case is done; reopen it to edit (series ${b.uid})` };
    expect(
      await refused(h, 'annotations:update', { readerId: alice.id, id, box: px(21, 20, 40, 40) }),
    ).toEqual(locked);
    expect(await refused(h, 'annotations:delete', { readerId: alice.id, ids: [id] })).toEqual(locked);
    expect(
      await refused(h, 'annotations:create', {
        seriesUid: b.uid,
        readerId: alice.id,
        boxes: [{ sopInstanceUid: sop(b, 4), label: 'DVT', box: px(1, 1, 5, 5) }],
      }),
    ).toEqual(locked);
    expect(
      await refused(h, 'cases:set', { seriesUid: b.uid, readerId: alice.id, note: 'late thought' }),
    ).toEqual({
      code: 'invalid-input',
      message: 'case is done; reopen it to edit',
    });
    // Marking it done again changes nothing; another reader still edits their own boxes there.
    expect(await call(h, 'cases:set', { seriesUid: b.uid, readerId: alice.id, status: 'done' })).toEqual(
      done,
    );
    await call(h, 'annotations:create', {
      seriesUid: b.uid,
      readerId: bob.id,
      boxes: [{ sopInstanceUid: sop(b, 4), label: 'DVT', box: px(1, 1, 5, 5) }],
    });
    // Reopened (here: flagged for review, with a note): editable again, and a box edit keeps the flag.
    const flagged = await call(h, 'cases:set', {
      seriesUid: b.uid,
      readerId: alice.id,
      status: 'flagged',
      note: 'check the femoral segment',
    });
    expect(flagged).toMatchObject({ status: 'flagged', call: 'present', note: 'check the femoral segment' });
    await call(h, 'annotations:update', { readerId: alice.id, id, box: px(21, 20, 40, 40) });
    expect((await call(h, 'cases:get', { seriesUid: b.uid, readerId: alice.id })).status).toBe('flagged');
    expect(
      (
        await call(h, 'cases:set', {
          seriesUid: b.uid,
          readerId: alice.id,
          call: null,
          status: 'in-progress',
        })
      ).call,
    ).toBeNull();
  });

  it('refuses an unknown series or reader, and an empty update', async () => {
    expect((await refused(h, 'cases:get', { seriesUid: '9.9', readerId: alice.id })).code).toBe('not-found');
    expect((await refused(h, 'cases:set', { seriesUid: a.uid, readerId: 99, status: 'done' })).code).toBe(
      'not-found',
    );
    expect((await refused(h, 'cases:set', { seriesUid: a.uid, readerId: alice.id })).message).toMatch(
      /at least one of status, call, note/,
    );
    expect(
      (await refused(h, 'cases:set', { seriesUid: a.uid, readerId: alice.id, status: 'finished' })).code,
    ).toBe('invalid-input');
  });

  it('the case list shows every series with each reader’s status and live boxes', async () => {
    const list = await call(h, 'cases:list', {});
    expect(contract['cases:list'].output.parse(list)).toEqual(list);
    expect(list.map((c) => c.seriesUid).sort()).toEqual([a.uid, b.uid].sort());
    const count = (seriesUid: string, readerId: number) =>
      fx.ws.db
        .prepare<[string, number], { n: number }>(
          'SELECT count(*) AS n FROM annotation_boxes WHERE series_uid = ? AND reader_id = ? AND deleted_at IS NULL',
        )
        .get(seriesUid, readerId)?.n;
    const readers = await call(h, 'readers:list', {});
    for (const c of list) {
      expect(c).toMatchObject({ slices: 10, patientId: expect.any(String) as unknown });
      expect(c.readers.map((r) => r.readerId)).toEqual(readers.map((r) => r.id));
      for (const r of c.readers) expect(r.boxes).toBe(count(c.seriesUid, r.readerId));
    }
    const caseB = list.find((c) => c.seriesUid === b.uid);
    expect(caseB?.readers.map((r) => r.status)).toEqual(['in-progress', 'in-progress', 'in-progress']);
    const caseA = list.find((c) => c.seriesUid === a.uid);
    expect(caseA?.readers.map((r) => [r.status, r.boxes])).toEqual([
      ['in-progress', 4],
      ['in-progress', 0],
      ['not-started', 0],
    ]);
  });
});
