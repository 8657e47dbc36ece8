/**
 * Resolved version references ("mvmc" + "production" -> version row) kept for `ttlMs`, so a
 * request needs no database round trip. Dropped per model when a change is announced (an alias
 * moved, in any API process); a new latest version published by a worker is seen after at most
 * `ttlMs`. Failed resolutions are not cached. At most `maxEntries` (oldest dropped first).
 */
export class VersionResolutionCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  resolve(modelName: string, ref: string | undefined, lookup: () => Promise<V>): Promise<V> {
    if (this.ttlMs === 0) return lookup();
    const key = `${modelName}\u0000${ref ?? ''}`;
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.expires > now) return hit.value;
    const value = lookup();
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }

  invalidateModel(modelName: string): void {
    const prefix = `${modelName}\u0000`;
    for (const key of [...this.entries.keys()])
      if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
