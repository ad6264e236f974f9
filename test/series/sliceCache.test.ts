import { describe, expect, it } from 'vitest';
import { ByteLruCache } from '../../src/main/series/sliceCache';

describe('ByteLruCache', () => {
  it('evicts the least recently used entries past its byte budget', () => {
    const cache = new ByteLruCache<Uint8Array>(30);
    cache.set('a', new Uint8Array(10));
    cache.set('b', new Uint8Array(10));
    cache.set('c', new Uint8Array(10));
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.set('d', new Uint8Array(10));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.get('d')).toBeDefined();
  });

  it('keeps a single entry larger than the budget', () => {
    const cache = new ByteLruCache<Uint8Array>(5);
    cache.set('big', new Uint8Array(10));
    expect(cache.size).toBe(1);
  });
});
