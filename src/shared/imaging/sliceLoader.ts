/** A least-recently-used cache bounded by a total cost (bytes, for slices). */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  private total = 0;

  constructor(
    readonly maxCost: number,
    private readonly costOf: (value: V) => number,
  ) {}

  /** The value, marked as most recently used. */
  get(key: K): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      // A Map iterates in insertion order, so re-inserting moves the key to the young end.
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.total -= this.costOf(old);
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    this.total += this.costOf(value);
    // Evict the oldest entries, but never the one just stored.
    for (const [k, v] of this.entries) {
      if (this.total <= this.maxCost || this.entries.size <= 1) break;
      this.entries.delete(k);
      this.total -= this.costOf(v);
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get cost(): number {
    return this.total;
  }

  /** Keys from least to most recently used. */
  keys(): K[] {
    return [...this.entries.keys()];
  }
}

/**
 * The slices worth having when `index` is shown, most wanted first: the slice itself, its two
 * neighbours (the 3-slice view needs them), then up to `ahead` slices in the direction of travel
 * and `behind` slices the other way, interleaved nearest first (two ahead for each one behind).
 */
export function prefetchOrder(
  index: number,
  count: number,
  direction: 1 | -1,
  ahead: number,
  behind: number,
): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const add = (i: number): void => {
    if (i >= 0 && i < count && !seen.has(i)) {
      seen.add(i);
      out.push(i);
    }
  };
  add(index);
  add(index + direction);
  add(index - direction);
  let a = 2;
  let b = 2;
  while (a <= ahead || b <= behind) {
    for (let k = 0; k < 2 && a <= ahead; k++) add(index + direction * a++);
    if (b <= behind) add(index - direction * b++);
  }
  return out;
}

export interface SliceLoaderOptions<T> {
  /** Slices in the series. */
  count: number;
  /** Fetches one slice; rejects or resolves with an error message on failure. */
  fetch: (index: number) => Promise<{ ok: true; value: T } | { ok: false; message: string }>;
  cache: LruCache<number, T>;
  /** Requests allowed in flight at once. */
  maxInFlight?: number;
  /** Slices prefetched in the direction of travel and against it. */
  ahead?: number;
  behind?: number;
  /** Called when a slice arrives (whether or not it is still wanted: it is cached either way). */
  onLoad: (index: number, value: T) => void;
  onError: (index: number, message: string) => void;
}

/**
 * Keeps the slices around the shown one loaded: a bounded number of requests in flight, a queue in
 * priority order that is rebuilt at every `focus`, so that slices scrolled past before their turn are
 * never requested (stale requests are dropped, not served late).
 */
export class SliceLoader<T> {
  private readonly inFlight = new Set<number>();
  private queue: number[] = [];
  private current = 0;
  private direction: 1 | -1 = 1;
  private disposed = false;
  private readonly maxInFlight: number;
  private readonly ahead: number;
  private readonly behind: number;
  /** Every index ever requested, in order (for tests and diagnostics). */
  readonly requested: number[] = [];

  constructor(private readonly options: SliceLoaderOptions<T>) {
    this.maxInFlight = options.maxInFlight ?? 4;
    this.ahead = options.ahead ?? 12;
    this.behind = options.behind ?? 4;
  }

  /** The cached slice, if any (marks it recently used). */
  get(index: number): T | undefined {
    return this.options.cache.get(index);
  }

  /** Shows `index` next: re-plans the queue around it and starts requests. */
  focus(index: number): void {
    if (this.disposed) return;
    if (index !== this.current) this.direction = index > this.current ? 1 : -1;
    this.current = index;
    const order = prefetchOrder(index, this.options.count, this.direction, this.ahead, this.behind);
    // Touch the wanted slices that are cached, least wanted first, so eviction takes the others.
    for (let k = order.length - 1; k >= 0; k--) this.options.cache.get(order[k] as number);
    this.queue = order.filter((i) => !this.options.cache.has(i) && !this.inFlight.has(i));
    this.pump();
  }

  get pending(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight.size, queued: this.queue.length };
  }

  /** Stops all callbacks; requests in flight finish unseen. */
  dispose(): void {
    this.disposed = true;
    this.queue = [];
  }

  private pump(): void {
    while (!this.disposed && this.inFlight.size < this.maxInFlight && this.queue.length > 0) {
      const index = this.queue.shift() as number;
      this.inFlight.add(index);
      this.requested.push(index);
      void this.load(index);
    }
  }

  private async load(index: number): Promise<void> {
    let result: { ok: true; value: T } | { ok: false; message: string };
    try {
      result = await this.options.fetch(index);
    } catch (e) {
      result = { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    this.inFlight.delete(index);
    if (this.disposed) return;
    if (result.ok) {
      this.options.cache.set(index, result.value);
      this.options.onLoad(index, result.value);
    } else {
      this.options.onError(index, result.message);
    }
    this.pump();
  }
}
