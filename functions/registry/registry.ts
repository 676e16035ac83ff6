/**
 * The content key registry: which content id each KID was served for. The SPEKE endpoint is the only authenticated
 * party that knows it (AWS_IAM on AWS; the packager names the content in the CPIX request), so it records every KID it
 * serves; key delivery resolves content-id policy bindings through this registry only, never from a viewer's request.
 *
 * A KID belongs to one content id for good: recording it again for the same content id refreshes its time, recording
 * it for another content id is refused (`KID_CONTENT_CONFLICT`, 409), so a KID governed by one title's policy can never
 * be moved under another title's (for example an open trailer's) policy by a later request.
 */
import { KeyplaneError } from "../errors";

export interface ContentKeyRegistry {
  /**
   * Records that `kids` (16 bytes each) were served for `contentId` at `at` (ms since the epoch). Resolves when every
   * record is durable; throws `KID_CONTENT_CONFLICT` (409) when a KID is already recorded for another content id and
   * `REGISTRY_UNAVAILABLE` (503) when the store cannot be written.
   */
  record(contentId: string, kids: readonly Buffer[], at: number): Promise<void>;
  /** The content id a KID was served for, or undefined when it was never recorded. */
  contentIdOf(kid: Buffer): Promise<string | undefined>;
  /** The same answer without waiting when it is already in memory: a string, `null` (known absent), or undefined (unknown). */
  peek(kid: Buffer): string | null | undefined;
  /** Where records live, safe to log ("memory", "file /path", "dynamodb table"). */
  readonly description: string;
}

export const MAX_CONTENT_ID_LENGTH = 256;

export function kidConflict(kid: Buffer): KeyplaneError {
  return new KeyplaneError(
    "KID_CONTENT_CONFLICT",
    `KID ${kid.toString("hex")} was already served for another content id; a KID belongs to one content id (use new KIDs, or speke.kidOverride)`,
    { status: 409 },
  );
}

export function registryUnavailable(cause: unknown, reason: string): KeyplaneError {
  return new KeyplaneError("REGISTRY_UNAVAILABLE", "Content key registry unavailable", {
    status: 503,
    cause,
    detail: { reason },
  });
}

/** Refuses what no store should hold: an empty or overlong content id, a KID that is not 16 bytes. */
export function checkRecord(contentId: string, kids: readonly Buffer[]): void {
  if (contentId.length === 0 || contentId.length > MAX_CONTENT_ID_LENGTH) {
    throw new KeyplaneError(
      "REGISTRY_RECORD_INVALID",
      `A content id must have 1 to ${MAX_CONTENT_ID_LENGTH} characters`,
      { status: 400 },
    );
  }
  for (const k of kids)
    if (k.length !== 16) throw new KeyplaneError("REGISTRY_RECORD_INVALID", "A KID must be 16 bytes", { status: 400 });
}

/**
 * One process's registry: the tests, and a single-process self-hosted server where SPEKE and key delivery share the
 * instance. Lost on restart: the lab uses the file registry, AWS the DynamoDB one.
 */
export class MemoryContentKeyRegistry implements ContentKeyRegistry {
  readonly description: string = "memory";
  protected readonly byKid = new Map<string, { contentId: string; at: number }>();

  async record(contentId: string, kids: readonly Buffer[], at: number): Promise<void> {
    checkRecord(contentId, kids);
    for (const k of kids) {
      const prev = this.byKid.get(k.toString("hex"));
      if (prev && prev.contentId !== contentId) throw kidConflict(k);
    }
    for (const k of kids) this.byKid.set(k.toString("hex"), { contentId, at });
  }

  async contentIdOf(kid: Buffer): Promise<string | undefined> {
    return this.byKid.get(kid.toString("hex"))?.contentId;
  }

  peek(kid: Buffer): string | null {
    return this.byKid.get(kid.toString("hex"))?.contentId ?? null;
  }

  get size(): number {
    return this.byKid.size;
  }
}
