/**
 * What the shared-table registries (DynamoDB, Azure Table Storage) have in common: a per-process cache of answers and
 * the rules around it. A KID's content id never changes once recorded, so a hit is kept for good (bounded); a miss is
 * remembered for a few seconds, so a flood of unknown KIDs costs one read per KID and process, not one per request.
 * A store only says how to write one KID and read one KID.
 */
import { checkRecord, kidConflict, type ContentKeyRegistry } from "./registry";

export interface RegistryCacheOptions {
  /** How long a KID found absent is remembered. Default 5 s. */
  missTtlSeconds?: number;
  /** At most this many KIDs cached (hits and misses). Default 100,000 (about 20 MB). */
  maxCached?: number;
  now?: () => number;
}

export abstract class CachedContentKeyRegistry implements ContentKeyRegistry {
  abstract readonly description: string;
  protected readonly now: () => number;
  private readonly missTtlMs: number;
  private readonly maxCached: number;
  /** hex KID -> content id, or the time a miss expires. */
  private readonly cache = new Map<string, string | number>();

  constructor(opts: RegistryCacheOptions) {
    this.missTtlMs = (opts.missTtlSeconds ?? 5) * 1000;
    this.maxCached = Math.max(1, opts.maxCached ?? 100_000);
    this.now = opts.now ?? Date.now;
  }

  /** Records one KID (hex and bytes) for `contentId`; throws KID_CONTENT_CONFLICT when it belongs to another. */
  protected abstract writeOne(hex: string, kid: Buffer, contentId: string, at: number): Promise<void>;
  /** The content id recorded for one KID, or undefined. */
  protected abstract readOne(hex: string): Promise<string | undefined>;

  private remember(hex: string, v: string | number): void {
    if (this.cache.size >= this.maxCached) this.cache.clear();
    this.cache.set(hex, v);
  }

  async record(contentId: string, kids: readonly Buffer[], at: number): Promise<void> {
    checkRecord(contentId, kids);
    // Each distinct KID not already known to belong to this content id; one known to belong elsewhere is refused here.
    const todo = kids.filter(
      (k, i) => this.cache.get(k.toString("hex")) !== contentId && kids.findIndex((o) => o.equals(k)) === i,
    );
    for (const k of todo) {
      const c = this.cache.get(k.toString("hex"));
      if (typeof c === "string" && c !== contentId) throw kidConflict(k);
    }
    await Promise.all(
      todo.map(async (k) => {
        const hex = k.toString("hex");
        await this.writeOne(hex, k, contentId, at);
        this.remember(hex, contentId);
      }),
    );
  }

  async contentIdOf(kid: Buffer): Promise<string | undefined> {
    const c = this.peek(kid);
    if (typeof c === "string") return c;
    if (c === null) return undefined;
    const hex = kid.toString("hex");
    const found = await this.readOne(hex);
    this.remember(hex, found ?? this.now() + this.missTtlMs);
    return found;
  }

  /** The cached answer without I/O: the content id, null for a remembered miss, undefined when not cached. */
  peek(kid: Buffer): string | null | undefined {
    const c = this.cache.get(kid.toString("hex"));
    if (c === undefined || typeof c === "string") return c;
    return c > this.now() ? null : undefined;
  }
}
