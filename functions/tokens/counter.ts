/**
 * Replay counters for `urn:microsoft:azure:mediaservices:maxuses`: how many times one token has fetched a key.
 * The id is derived from the token's decoded signature bytes (see `replayId` in verify.ts), never the token text.
 */
export interface UseCounter {
  /** Adds one use for `id` and returns the new total. The entry may be forgotten after `ttlSeconds`. */
  increment(id: string, ttlSeconds: number): Promise<number>;
}

export interface MemoryUseCounterOptions {
  /** At most this many live ids; when full, expired entries are swept, then the oldest entries are dropped. Default 100,000. */
  maxEntries?: number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

/**
 * One process's counter (the local lab, a single Lambda container). Bounded and TTL-evicted. When it must drop a live
 * entry to stay bounded it drops the oldest, which can only give an old token more uses, so keep `maxEntries` above
 * the number of tokens live at once; use the DynamoDB counter when several instances serve one audience.
 */
export class MemoryUseCounter implements UseCounter {
  private readonly entries = new Map<string, { count: number; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: MemoryUseCounterOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? 100_000);
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async increment(id: string, ttlSeconds: number): Promise<number> {
    const now = this.now();
    const e = this.entries.get(id);
    if (e && e.expiresAt > now) {
      e.count += 1;
      return e.count;
    }
    if (e) this.entries.delete(id);
    if (this.entries.size >= this.maxEntries) this.evict(now);
    this.entries.set(id, { count: 1, expiresAt: now + Math.max(1, ttlSeconds) * 1000 });
    return 1;
  }

  private evict(now: number): void {
    for (const [k, v] of this.entries) if (v.expiresAt <= now) this.entries.delete(k);
    // Map iterates in insertion order: the first entries are the oldest.
    for (const k of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(k);
    }
  }
}
