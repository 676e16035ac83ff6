/**
 * The content key registry on Azure Table Storage: one entity per KID (PartitionKey = 32 lowercase hex digits of the
 * KID, RowKey = "kid", `contentId`, `servedAt` ISO time). SPEKE writes with create-if-absent (`createEntity`, which
 * Table Storage refuses with 409 when the entity exists); on 409 it reads the entity: the same content id again is
 * refreshed with `updateEntity` under If-Match (the ETag it read), another content id is KID_CONTENT_CONFLICT. So a
 * KID's first content id stays, whatever the interleaving. Key delivery reads with `getEntity` (Table Storage reads are
 * strongly consistent). Answers are cached per process (cached.ts).
 */
import { CachedContentKeyRegistry, type RegistryCacheOptions } from "./cached";
import { kidConflict, registryUnavailable } from "./registry";
import { azureTableClient, isEntityAbsent, tableStatus, type TableClientLike } from "../azure/tables";
import type { TokenCredential } from "../azure/credential";

export const REGISTRY_ROW_KEY = "kid";

export interface AzureTableContentKeyRegistryOptions extends RegistryCacheOptions {
  /** Table service endpoint (`https://<account>.table.core.windows.net`) and table name: the client is made with the managed identity. */
  endpoint?: string;
  tableName?: string;
  credential?: TokenCredential;
  /** A ready client (tests: Azurite). Wins over endpoint/tableName. */
  client?: TableClientLike;
}

interface RegistryEntity {
  partitionKey: string;
  rowKey: string;
  contentId?: string;
  servedAt?: string;
}

export class AzureTableContentKeyRegistry extends CachedContentKeyRegistry {
  readonly description: string;
  private client: TableClientLike | undefined;

  constructor(private readonly opts: AzureTableContentKeyRegistryOptions) {
    super(opts);
    if (!opts.client && !(opts.endpoint && opts.tableName))
      throw registryUnavailable(undefined, "AzureTableContentKeyRegistry needs a client, or endpoint and tableName");
    this.client = opts.client;
    this.description = `azure-table ${opts.tableName ?? "(client)"}`;
  }

  private table(): TableClientLike {
    return (this.client ??= azureTableClient(this.opts.endpoint!, this.opts.tableName!, this.opts.credential));
  }

  protected async writeOne(hex: string, kid: Buffer, contentId: string, at: number): Promise<void> {
    const servedAt = new Date(at).toISOString();
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

  protected async readOne(hex: string): Promise<string | undefined> {
    try {
      const e = await this.table().getEntity<RegistryEntity>(hex, REGISTRY_ROW_KEY, {
        queryOptions: { select: ["contentId"] },
      });
      return typeof e.contentId === "string" ? e.contentId : undefined;
    } catch (e) {
      if (!isEntityAbsent(e)) throw registryUnavailable(e, `read ${tableStatus(e) ?? (e as Error).name}`);
      return undefined;
    }
  }
}
