/**
 * Replay counters for `urn:microsoft:azure:mediaservices:maxuses`: how many times one token has fetched a key.
 * The id is derived from the token's decoded signature bytes (see `replayId` in verify.ts), never the token text.
 */
import { KeyplaneError } from "../errors";

export interface UseCounter {
  /**
   * Adds one use for `id` and returns the new total. The entry may be forgotten after `ttlSeconds` (the caller passes
   * the time until the token expires, plus the clock skew), never before. Throws a KeyplaneError (503) when it cannot
   * count: a counter that cannot remember a use refuses rather than answer 1 again.
   */
  increment(id: string, ttlSeconds: number): Promise<number>;
}

/** Default capacity of the in-memory counter: live maxuses tokens at once (about 21 MB of heap when full, see MemoryUseCounter). */
export const DEFAULT_MEMORY_USE_COUNTER_ENTRIES = 100_000;

export interface MemoryUseCounterOptions {
  /**
   * At most this many live ids (default 100,000). Expired ids are reclaimed first; when every entry is still live, a
   * new id is refused with 503 USE_COUNTER_FULL (ids already counted keep counting). Nothing live is ever dropped.
   */
  maxEntries?: number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

interface Entry {
  readonly id: string;
  count: number;
  /** Milliseconds since the epoch; the entry is live while `expiresAt > now`. Never changes once set. */
  readonly expiresAt: number;
}

/**
 * One process's counter (the local lab, a single Lambda container). Bounded, and it never forgets a live entry: an
 * entry stays until its token has expired (`ttlSeconds`), because forgetting it would give an exhausted token its
 * uses back. When it holds `maxEntries` live entries it refuses new ids with 503 USE_COUNTER_FULL until some expire
 * (verify.ts caps a token's time to live at the restriction's `maxTokenLifetimeSeconds` + skew, so they do).
 *
 * Entries are kept twice: by id (a Map) and by expiry (a binary min-heap). Each insert first pops the expired entries
 * off the top of the heap; every entry is pushed and popped once, so reclaiming costs O(log n) per entry over its
 * life, and a full store of live entries costs one comparison per refused insert (no scan of the map).
 *
 * Memory: about 210 bytes of V8 heap per entry on Node 20 x64, measured with 100,000 entries (heapUsed after gc):
 * ~110 bytes for the entry object with its Map and heap slots, ~95 for the 47-character id string. So `maxEntries`
 * = 100,000 (the default) costs ~21 MB when full and 1,000,000 ~210 MB. Keep `maxEntries` above the number of
 * maxuses tokens live at once; use the DynamoDB counter when several instances serve one audience.
 */
export class MemoryUseCounter implements UseCounter {
  private readonly entries = new Map<string, Entry>();
  /** The same entries ordered by `expiresAt` (min-heap: `heap[0]` expires first). */
  private readonly heap: Entry[] = [];
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: MemoryUseCounterOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_MEMORY_USE_COUNTER_ENTRIES);
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get capacity(): number {
    return this.maxEntries;
  }

  async increment(id: string, ttlSeconds: number): Promise<number> {
    const now = this.now();
    const e = this.entries.get(id);
    if (e && e.expiresAt > now) {
      e.count += 1;
      return e.count;
    }
    if (!Number.isFinite(ttlSeconds)) {
      throw new KeyplaneError("USE_COUNTER_TTL_INVALID", "Replay counter TTL must be a finite number of seconds", {
        status: 500,
        expose: false,
      });
    }
    // Reclaims every expired entry, `e` included when it has expired.
    this.sweep(now);
    if (this.entries.size >= this.maxEntries) {
      throw new KeyplaneError("USE_COUNTER_FULL", "The replay counter is full of live tokens; try again later", {
        status: 503,
        detail: { maxEntries: this.maxEntries },
      });
    }
    const entry: Entry = { id, count: 1, expiresAt: now + Math.max(1, ttlSeconds) * 1000 };
    this.entries.set(id, entry);
    this.push(entry);
    return 1;
  }

  /** Drops the entries that have expired at `now`, soonest first; stops at the first live one. */
  private sweep(now: number): void {
    const h = this.heap;
    while (h.length > 0 && h[0]!.expiresAt <= now) {
      const top = this.pop();
      if (this.entries.get(top.id) === top) this.entries.delete(top.id);
    }
  }

  private push(entry: Entry): void {
    const h = this.heap;
    let i = h.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.expiresAt <= entry.expiresAt) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && h[r]!.expiresAt < h[l]!.expiresAt ? r : l;
        if (h[c]!.expiresAt >= last.expiresAt) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
