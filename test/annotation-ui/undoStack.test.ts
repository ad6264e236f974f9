import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { dispatch } from '../../src/main/services/handlers';
import {
  createBoxesCommand,
  deleteBoxesCommand,
  placeOf,
  updateBoxCommand,
  type BoxSink,
} from '../../src/shared/annotation/boxCommands';
import type { AnnotationBox, BoxId, ReaderId } from '../../src/shared/annotation/schemas';
import { UndoStack, type Command } from '../../src/shared/annotation/undoStack';
import type { DvtApi } from '../../src/shared/ipc/api';
import type { Channel, ChannelInput, ChannelOutput } from '../../src/shared/ipc/contract';
import type { Result } from '../../src/shared/result';
import { annotationWorkspace, call, type AnnotationFixture } from '../annotation/fixture';

describe('UndoStack order', () => {
  const log: string[] = [];
  const cmd = (name: string, failUndo = false): Command => ({
    label: name,
    redo: () => {
      log.push(`do ${name}`);
      return Promise.resolve({ ok: true });
    },
    undo: () => {
      log.push(`undo ${name}`);
      return Promise.resolve(failUndo ? { ok: false, message: 'refused' } : { ok: true });
    },
  });

  it('undoes in reverse order, redoes forward, and a new edit drops the redo branch', async () => {
    const s = new UndoStack();
    await s.run(cmd('a'));
    await s.run(cmd('b'));
    await Promise.all([s.undo(), s.undo()]);
    expect(s.canUndo).toBe(false);
    await s.redo();
    expect(s.redoLabel).toBe('b');
    await s.run(cmd('c'));
    expect(s.canRedo).toBe(false);
    expect(log).toEqual(['do a', 'do b', 'undo b', 'undo a', 'do a', 'do c']);
    expect(await new UndoStack().undo()).toBeNull();
  });

  it('keeps a refused step where it was', async () => {
    const s = new UndoStack();
    await s.run(cmd('x', true));
    expect(await s.undo()).toEqual({ ok: false, message: 'refused' });
    expect(s.undoLabel).toBe('x');
  });

  it('forgets the oldest beyond its depth', async () => {
    const s = new UndoStack(2);
    for (const n of ['1', '2', '3']) await s.run(cmd(n));
    await s.undo();
    await s.undo();
    expect(s.canUndo).toBe(false);
  });
});

describe('box commands against a real workspace', () => {
  let fx: AnnotationFixture;
  let api: DvtApi;
  let readerId: ReaderId;
  const live = new Map<BoxId, AnnotationBox>();
  const sink: BoxSink = {
    upsert: (bs) => bs.forEach((b) => live.set(b.id, b)),
    remove: (ids) => ids.forEach((id) => live.delete(id)),
  };
  const listed = async (): Promise<AnnotationBox[]> =>
    call(fx.handlers, 'annotations:list', { seriesUid: fx.series[0]!.uid });

  beforeAll(async () => {
    fx = await annotationWorkspace(1, 10);
    api = {
      invoke: <C extends Channel>(channel: C, input: ChannelInput<C>) =>
        dispatch(fx.handlers, channel, input) as Promise<Result<ChannelOutput<C>>>,
    };
    readerId = (await call(fx.handlers, 'readers:add', { name: 'Dr Undo' })).id;
  });
  afterAll(async () => {
    await fx?.ws.close();
    if (fx) rmSync(fx.root, { recursive: true, force: true });
  });

  it('create, update and delete each undo and redo through main', async () => {
    const s = fx.series[0]!;
    const stack = new UndoStack();
    const box = { space: 'dicom-pixel' as const, x1: 10, y1: 10, x2: 30, y2: 40 };
    const create = createBoxesCommand(api, sink, s.uid, readerId, [
      { sopInstanceUid: s.sops[2]!, label: 'DVT', box },
    ]);
    expect(await stack.run(create)).toEqual({ ok: true });
    const id = create.ids()[0]!;
    const before = placeOf(live.get(id)!);
    const moved = { ...before, box: { ...box, x1: 20, x2: 40 } };
    await stack.run(updateBoxCommand(api, sink, readerId, id, before, moved, 'move box'));
    await stack.run(deleteBoxesCommand(api, sink, readerId, [id]));
    expect(await listed()).toEqual([]);

    await stack.undo(); // delete → restore
    expect((await listed()).map((b) => b.box.x1)).toEqual([20]);
    await stack.undo(); // move → back
    expect((await listed()).map((b) => b.box.x1)).toEqual([10]);
    await stack.undo(); // create → delete
    expect(await listed()).toEqual([]);
    expect(live.size).toBe(0);
    await stack.redo(); // create again: the same id comes back
    expect((await listed()).map((b) => b.id)).toEqual([id]);
    await stack.redo();
    await stack.redo();
    expect(await listed()).toEqual([]);
    const history = await call(fx.handlers, 'annotations:history', { id });
    expect(history.map((h) => h.action)).toEqual([
      'create',
      'update',
      'delete',
      'restore',
      'update',
      'delete',
      'restore',
      'update',
      'delete',
    ]);
  });

  it('reports main refusing an undo on a done case, and keeps the step', async () => {
    const s = fx.series[0]!;
    const stack = new UndoStack();
    const box = { space: 'dicom-pixel' as const, x1: 1, y1: 1, x2: 5, y2: 5 };
    await stack.run(
      createBoxesCommand(api, sink, s.uid, readerId, [{ sopInstanceUid: s.sops[0]!, label: 'DVT', box }]),
    );
    await call(fx.handlers, 'cases:set', { seriesUid: s.uid, readerId, status: 'done' });
    const r = await stack.undo();
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('case is done') as unknown });
    expect(stack.canUndo).toBe(true);
    await call(fx.handlers, 'cases:set', { seriesUid: s.uid, readerId, status: 'in-progress' });
    expect(await stack.undo()).toEqual({ ok: true });
  });
});
