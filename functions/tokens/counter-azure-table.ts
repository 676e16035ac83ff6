/**
 * The replay (`maxuses`) counter on Azure Table Storage: one entity per token (PartitionKey = replay id, RowKey = "uses",
 * `uses`, `expiresAt` ms since the epoch). Table Storage has no atomic add, so each use is a read followed by a
 * conditional write: `createEntity` for a first use (409 when another instance created it first) or `updateEntity`
 * with If-Match on the ETag read (412 when another instance wrote in between); a refused write is retried from a fresh
 * read, with a short jittered pause. So two instances never give one use the same total (no lost update), and a live
 * entry is never reset: only an entry whose `expiresAt` has passed is restarted at 1 (under If-Match too). Table Storage
 * has no TTL: expired entities stay until reused or removed (a few hundred bytes each).
 */
import { createHash } from "node:crypto";
import { KeyplaneError } from "../errors";
import type { UseCounter } from "./counter";
import { azureTableClient, isEntityAbsent, tableStatus, type TableClientLike } from "../azure/tables";
import type { TokenCredential } from "../azure/credential";

export const USE_COUNTER_ROW_KEY = "uses";

export interface AzureTableUseCounterOptions {
  endpoint?: string;
  tableName?: string;
  credential?: TokenCredential;
  /** A ready client (tests: Azurite). Wins over endpoint/tableName. */
  client?: TableClientLike;
  /** Conditional-write attempts before 503 USE_COUNTER_CONTENDED. Default 50. */
  maxAttempts?: number;
  now?: () => number;
  /** Pause between attempts (tests may pass a no-op). Default: 0-4 ms times the attempt number, random. */
  pause?: (attempt: number) => Promise<void>;
}

interface CounterEntity {
  partitionKey: string;
  rowKey: string;
  uses?: number;
  expiresAt?: number;
}

/** Characters Table Storage refuses in keys (`/ \ # ?` and control characters); ids holding any are hashed. */
const KEY_SAFE_RE = /^[^/\\#?\u0000-\u001f\u007f-\u009f]{1,512}$/;

export function counterPartitionKey(id: string): string {
  return KEY_SAFE_RE.test(id) ? id : `h:${createHash("sha256").update(id).digest("base64url")}`;
}

const defaultPause = (attempt: number) =>
  new Promise<void>((r) => setTimeout(r, Math.floor(Math.random() * 5 * attempt)));

export class AzureTableUseCounter implements UseCounter {
  private client: TableClientLike | undefined;
  private readonly maxAttempts: number;
  private readonly now: () => number;
  private readonly pause: (attempt: number) => Promise<void>;

  constructor(private readonly opts: AzureTableUseCounterOptions) {
    if (!opts.client && !(opts.endpoint && opts.tableName)) {
      throw new KeyplaneError(
        "USE_COUNTER_CONFIG_INVALID",
        "AzureTableUseCounter needs a client, or endpoint and tableName",
        { status: 500, expose: false },
      );
    }
    this.client = opts.client;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 50);
    this.now = opts.now ?? Date.now;
    this.pause = opts.pause ?? defaultPause;
  }

  private table(): TableClientLike {
    return (this.client ??= azureTableClient(this.opts.endpoint!, this.opts.tableName!, this.opts.credential));
  }

  async increment(id: string, ttlSeconds: number): Promise<number> {
    if (!Number.isFinite(ttlSeconds))
      throw new KeyplaneError("USE_COUNTER_TTL_INVALID", "Replay counter TTL must be a finite number of seconds", {
        status: 500,
        expose: false,
      });
    const pk = counterPartitionKey(id);
    const t = this.table();
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const now = this.now();
      const expiresAt = now + Math.max(1, Math.ceil(ttlSeconds)) * 1000;
      let current: (CounterEntity & { etag: string }) | undefined;
      try {
        current = await t.getEntity<CounterEntity>(pk, USE_COUNTER_ROW_KEY);
      } catch (e) {
        if (!isEntityAbsent(e)) throw unavailable(e);
      }
      try {
        if (!current) {
          await t.createEntity<CounterEntity>({ partitionKey: pk, rowKey: USE_COUNTER_ROW_KEY, uses: 1, expiresAt });
          return 1;
        }
        const live = typeof current.expiresAt === "number" && current.expiresAt > now;
        const uses = live ? Number(current.uses ?? 0) + 1 : 1;
        if (!Number.isSafeInteger(uses) || uses < 1)
          throw new KeyplaneError("USE_COUNTER_UNAVAILABLE", "Replay counter holds no count", { status: 503 });
        // A live entry keeps its expiry (set once, by the first use); an expired one restarts.
        await t.updateEntity<CounterEntity>(
          { partitionKey: pk, rowKey: USE_COUNTER_ROW_KEY, uses, expiresAt: live ? current.expiresAt! : expiresAt },
          "Replace",
          { etag: current.etag },
        );
        return uses;
      } catch (e) {
        if (e instanceof KeyplaneError) throw e;
        const s = tableStatus(e);
        // 409: created by another instance first; 412: written by another since our read; 404: removed since our read.
        if (s !== 409 && s !== 412 && !isEntityAbsent(e)) throw unavailable(e);
      }
      await this.pause(attempt);
    }
    throw new KeyplaneError("USE_COUNTER_CONTENDED", "Replay counter busy; try again", {
      status: 503,
      detail: { attempts: this.maxAttempts },
    });
  }
}

function unavailable(e: unknown): KeyplaneError {
  return new KeyplaneError("USE_COUNTER_UNAVAILABLE", "Replay counter unavailable", {
    status: 503,
    cause: e,
    detail: { reason: tableStatus(e) ?? (e as Error).name },
  });
}
