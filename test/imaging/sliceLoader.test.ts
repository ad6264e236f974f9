import { describe, expect, it } from 'vitest';
import { LruCache, prefetchOrder, SliceLoader } from '../../src/shared/imaging/sliceLoader';

describe('LruCache', () => {
  it('evicts the least recently used entries beyond its cost', () => {
    const c = new LruCache<string, number[]>(3, (v) => v.length);
    c.set('a', [1]);
    c.set('b', [1]);
    c.set('c', [1]);
    c.get('a'); // a is now the most recent
    c.set('d', [1]);
    expect(c.keys()).toEqual(['c', 'a', 'd']);
    expect(c.cost).toBe(3);
    c.set('e', [1, 1, 1, 1]); // over budget on its own: kept, everything else goes
    expect(c.keys()).toEqual(['e']);
  });

  it('replaces a key without counting it twice', () => {
    const c = new LruCache<string, number[]>(10, (v) => v.length);
    c.set('a', [1, 2]);
    c.set('a', [1, 2, 3]);
    expect(c.cost).toBe(3);
    expect(c.size).toBe(1);
  });
});

describe('prefetchOrder', () => {
  it('starts with the slice and its neighbours, then favours the direction of travel', () => {
    expect(prefetchOrder(5, 20, 1, 4, 2)).toEqual([5, 6, 4, 7, 8, 3, 9]);
    expect(prefetchOrder(5, 20, -1, 4, 2)).toEqual([5, 4, 6, 3, 2, 7, 1]);
  });

  it('stays inside the series', () => {
    expect(prefetchOrder(0, 3, 1, 5, 5)).toEqual([0, 1, 2]);
    expect(prefetchOrder(0, 1, -1, 5, 5)).toEqual([0]);
  });
});

/** Promise.withResolvers, which Node 20 lacks. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A fetch whose answers the test releases one by one. */
function manualFetch() {
  const waiting = new Map<number, (v: { ok: true; value: Int16Array }) => void>();
  return {
    waiting,
    fetch: (index: number) =>
      new Promise<{ ok: true; value: Int16Array } | { ok: false; message: string }>((resolve) => {
        waiting.set(index, resolve);
      }),
    release(index: number) {
      const r = waiting.get(index);
      if (!r) throw new Error(`no request for ${index}`);
      waiting.delete(index);
      r({ ok: true, value: Int16Array.from([index]) });
    },
  };
}

describe('SliceLoader', () => {
  it('keeps a bounded number of requests in flight and drops slices scrolled past', async () => {
    const m = manualFetch();
    const loaded: number[] = [];
    let arrived = deferred();
    const loader = new SliceLoader<Int16Array>({
      count: 100,
      fetch: m.fetch,
      cache: new LruCache(1000, (v) => v.byteLength),
      maxInFlight: 2,
      ahead: 3,
      behind: 1,
      onLoad: (i) => {
        loaded.push(i);
        arrived.resolve();
      },
      onError: () => undefined,
    });
    loader.focus(10);
    expect(loader.requested).toEqual([10, 11]);
    // The user jumps far before anything arrives: the queue around 10 is dropped.
    loader.focus(50);
    expect(loader.pending.queued).toBeGreaterThan(0);
    m.release(10);
    await arrived.promise;
    arrived = deferred();
    // The free request slot goes to slice 50, not to 9 or 12.
    expect(loader.requested).toEqual([10, 11, 50]);
    expect(loader.get(10)?.[0]).toBe(10);
    m.release(11);
    await arrived.promise;
    expect(loader.requested).toEqual([10, 11, 50, 51]);
    expect(loaded).toEqual([10, 11]);
    loader.dispose();
  });

  it('does not request cached slices again, and reports failures', async () => {
    const cache = new LruCache<number, Int16Array>(1000, (v) => v.byteLength);
    cache.set(3, Int16Array.from([3]));
    const errors: string[] = [];
    const done = deferred();
    const loader = new SliceLoader<Int16Array>({
      count: 4,
      fetch: (i) =>
        Promise.resolve(
          i === 2 ? { ok: false, message: 'unreadable' } : { ok: true, value: Int16Array.from([i]) },
        ),
      cache,
      onLoad: () => undefined,
      onError: (i, message) => {
        errors.push(`${i}: ${message}`);
        done.resolve();
      },
    });
    loader.focus(3);
    await done.promise;
    expect(loader.requested).toEqual([2, 1, 0]);
    expect(errors).toEqual(['2: unreadable']);
  });
});
