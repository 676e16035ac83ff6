/**
 * The content key registry on Azure Table Storage: one entity per KID (PartitionKey = 32 lowercase hex digits of the
 * KID, RowKey = "kid", `contentId`, `servedAt` ISO time). SPEKE writes with create-if-absent (`createEntity`, which
 * Table Storage refuses with 409 when the entity exists); on 409 it reads the entity: the same content id again is
 * refreshed with `updateEntity` under If-Match (the ETag it read), another content id is KID_CONTENT_CONFLICT. So a
 * KID's first content id stays, whatever the interleaving. Key delivery reads with `getEntity` (Table Storage reads are
 * strongly consistent). Answers are cached per process as in the DynamoDB registry: a hit for good (bounded), a miss a
 * few seconds.
 */
import { checkRecord, kidConflict, registryUnavailable, type ContentKeyRegistry } from "./registry";
import { azureTableClient, isEntityAbsent, tableStatus, type TableClientLike } from "../azure/tables";
import type { TokenCredential } from "../azure/credential";

export const REGISTRY_ROW_KEY = "kid";

export interface AzureTableContentKeyRegistryOptions {
  /** Table service endpoint (`https://<account>.table.core.windows.net`) and table name: the client is made with the managed identity. */
  endpoint?: string;
  tableName?: string;
  credential?: TokenCredential;
  /** A ready client (tests: Azurite). Wins over endpoint/tableName. */
  client?: TableClientLike;
  /** How long a KID found absent is remembered. Default 5 s. */
  missTtlSeconds?: number;
  /** At most this many KIDs cached. Default 100,000. */
  maxCached?: number;
  now?: () => number;
}

interface RegistryEntity {
  partitionKey: string;
  rowKey: string;
  contentId?: string;
  servedAt?: string;
}

export class AzureTableContentKeyRegistry implements ContentKeyRegistry {
  readonly description: string;
  private client: TableClientLike | undefined;
  private readonly missTtlMs: number;
  private readonly maxCached: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, string | number>();

  constructor(private readonly opts: AzureTableContentKeyRegistryOptions) {
    if (!opts.client && !(opts.endpoint && opts.tableName))
      throw registryUnavailable(undefined, "AzureTableContentKeyRegistry needs a client, or endpoint and tableName");
    this.client = opts.client;
    this.description = `azure-table ${opts.tableName ?? "(client)"}`;
    this.missTtlMs = (opts.missTtlSeconds ?? 5) * 1000;
    this.maxCached = Math.max(1, opts.maxCached ?? 100_000);
    this.now = opts.now ?? Date.now;
  }

  private table(): TableClientLike {
    return (this.client ??= azureTableClient(this.opts.endpoint!, this.opts.tableName!, this.opts.credential));
  }

  private remember(hex: string, v: string | number): void {
    if (this.cache.size >= this.maxCached) this.cache.clear();
    this.cache.set(hex, v);
  }

  async record(contentId: string, kids: readonly Buffer[], at: number): Promise<void> {
    checkRecord(contentId, kids);
    const todo = kids.filter(
      (k, i) => this.cache.get(k.toString("hex")) !== contentId && kids.findIndex((o) => o.equals(k)) === i,
    );
    for (const k of todo) {
      const c = this.cache.get(k.toString("hex"));
      if (typeof c === "string" && c !== contentId) throw kidConflict(k);
    }
    const servedAt = new Date(at).toISOString();
    await Promise.all(
      todo.map(async (k) => {
        const hex = k.toString("hex");
        await this.recordOne(hex, k, contentId, servedAt);
        this.remember(hex, contentId);
      }),
    );
  }

  private async recordOne(hex: string, kid: Buffer, contentId: string, servedAt: string): Promise<void> {
    const entity: RegistryEntity = { partitionKey: hex, rowKey: REGISTRY_ROW_KEY, contentId, servedAt };
    const t = this.table();
    // Two rounds cover the one race there is: the entity deleted by an operator between our 409 and our read.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await t.createEntity(entity);
        return;
      } catch (e) {
        if (tableStatus(e) !== 409) throw registryUnavailable(e, `create ${tableStatus(e) ?? (e as Error).name}`);
      }
      let existing: RegistryEntity & { etag: string };
      try {
        existing = await t.getEntity<RegistryEntity>(hex, REGISTRY_ROW_KEY);
      } catch (e) {
        if (isEntityAbsent(e)) continue;
        throw registryUnavailable(e, `read ${tableStatus(e) ?? (e as Error).name}`);
      }
      if (existing.contentId !== contentId) throw kidConflict(kid);
      try {
        // Refresh the time only if the entity is still the one we read (If-Match); a lost race changes nothing that matters.
        await t.updateEntity(entity, "Merge", { etag: existing.etag });
      } catch (e) {
        const s = tableStatus(e);
        if (s !== 412 && !isEntityAbsent(e)) throw registryUnavailable(e, `update ${s ?? (e as Error).name}`);
      }
      return;
    }
    throw registryUnavailable(undefined, "entity vanished twice while recording");
  }

  async contentIdOf(kid: Buffer): Promise<string | undefined> {
    const hex = kid.toString("hex");
    const c = this.peek(kid);
    if (typeof c === "string") return c;
    if (c === null) return undefined;
    let found: string | undefined;
    try {
      const e = await this.table().getEntity<RegistryEntity>(hex, REGISTRY_ROW_KEY, {
        queryOptions: { select: ["contentId"] },
      });
      found = typeof e.contentId === "string" ? e.contentId : undefined;
    } catch (e) {
      if (!isEntityAbsent(e)) throw registryUnavailable(e, `read ${tableStatus(e) ?? (e as Error).name}`);
    }
    this.remember(hex, found ?? this.now() + this.missTtlMs);
    return found;
  }

  peek(kid: Buffer): string | null | undefined {
    const c = this.cache.get(kid.toString("hex"));
    if (c === undefined || typeof c === "string") return c;
    return c > this.now() ? null : undefined;
  }
}
