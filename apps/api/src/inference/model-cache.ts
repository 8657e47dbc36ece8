import { LruCache } from './lru-cache';
import type { LoadedVersion } from './loaded-version';

/**
 * Loaded model versions by version id, at most `size` (least recently used evicted). acquire()
 * hands out a retained LoadedVersion: eviction never disposes what a request still uses; the
 * caller releases it when its answer is built.
 */
export class ModelCache {
  private readonly lru: LruCache<string, Promise<LoadedVersion>>;

  constructor(
    size: number,
    private readonly onEvict: (versionId: string) => void = () => undefined,
  ) {
    this.lru = new LruCache(size, (versionId, loading) => {
      this.onEvict(versionId);
      loading.then((loaded) => loaded.evict()).catch(() => undefined);
    });
  }

  /** The version, retained; `load` runs once per version while it stays cached. */
  async acquire(versionId: string, load: () => Promise<LoadedVersion>): Promise<LoadedVersion> {
    // A version evicted and disposed between its load and this request's turn is loaded again.
    for (let attempt = 0; attempt < 3; attempt++) {
      let loading = this.lru.get(versionId);
      if (!loading) {
        loading = load();
        this.lru.set(versionId, loading);
        const entry = loading;
        loading.catch(() => {
          if (this.lru.peek(versionId) === entry) this.lru.delete(versionId);
        });
      }
      const loaded = await loading;
      if (loaded.retain()) return loaded;
      if (this.lru.peek(versionId) === loading) this.lru.delete(versionId);
    }
    throw new Error(`model version ${versionId} was evicted three times while loading`);
  }

  keys(): string[] {
    return this.lru.keys();
  }

  /** Evicts everything (shutdown); versions in use are disposed after their last user. */
  clear(): void {
    for (const versionId of this.lru.keys()) {
      const loading = this.lru.peek(versionId);
      this.lru.delete(versionId);
      this.onEvict(versionId);
      loading?.then((loaded) => loaded.evict()).catch(() => undefined);
    }
  }
}
