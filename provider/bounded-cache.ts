/**
 * A small least-recently-added cache of values by string key, for results that are costly to compute
 * and safe to reuse for the life of a process. Plain objects and arrays only: a module that holds one
 * may be inlined by the closure serializer, which does not carry a Map's entries.
 */
export interface BoundedCache<V> {
  readonly capacity: number;
  /** Keys, oldest first. */
  readonly keys: string[];
  readonly values: Record<string, V>;
}

export function newBoundedCache<V>(capacity: number): BoundedCache<V> {
  return { capacity, keys: [], values: {} };
}

export function cached<V>(cache: BoundedCache<V>, key: string): V | undefined {
  return Object.hasOwn(cache.values, key) ? cache.values[key] : undefined;
}

/** Stores `value`, dropping the oldest entry when full. */
export function remember<V>(cache: BoundedCache<V>, key: string, value: V): void {
  if (Object.hasOwn(cache.values, key)) return;
  if (cache.keys.length >= cache.capacity) {
    const oldest = cache.keys.shift();
    if (oldest !== undefined) delete cache.values[oldest];
  }
  cache.keys.push(key);
  cache.values[key] = value;
}
