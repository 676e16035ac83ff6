/**
 * The content keys of a protected locator: KIDs given or derived from the asset name and label (public), and their
 * values from the key seed (the same keys the SPEKE server hands out).
 */
import { createHash } from "node:crypto";
import { kidFromUuid, kidToUuid } from "../../functions/keys/kid";
import type { KeySeed } from "../../functions/keys/seed";
import { KeyplaneError } from "../../functions/errors";

export interface LocatorKeySpec {
  /** `labelReferenceInStreamingPolicy`. */
  label: string;
  /** KID as a UUID; default: derived from the asset name and label (stable, public, not secret). */
  kid?: string;
}

/**
 * A stable KID for (asset, label) when none is given: the first 16 bytes of SHA-256("keyplane-ams-kid\0" asset "\0" label),
 * with the RFC 4122 variant and version-8 bits set. KIDs are public identifiers; the key comes from the seed.
 */
export function defaultLocatorKid(assetName: string, label: string): string {
  const h = createHash("sha256").update(`keyplane-ams-kid\0${assetName}\0${label}`).digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  return kidToUuid(h);
}

/** Resolves the KIDs of a locator (explicit or default), refusing duplicates. Public data only. */
export function resolveLocatorKids(assetName: string, keys: LocatorKeySpec[]): Array<{ label: string; kid: string }> {
  if (!Array.isArray(keys) || keys.length === 0)
    throw new KeyplaneError("AMS_LOCATOR_INVALID", "a protected locator needs at least one content key", {
      status: 400,
    });
  const out = keys.map((k) => ({
    label: k.label,
    kid: k.kid ? kidToUuid(kidFromUuid(k.kid)) : defaultLocatorKid(assetName, k.label),
  }));
  const labels = new Set<string>();
  const kids = new Set<string>();
  for (const k of out) {
    if (labels.has(k.label))
      throw new KeyplaneError("AMS_LOCATOR_INVALID", `content key label "${k.label}" appears twice`, { status: 400 });
    if (kids.has(k.kid)) throw new KeyplaneError("AMS_LOCATOR_INVALID", `KID ${k.kid} appears twice`, { status: 400 });
    labels.add(k.label);
    kids.add(k.kid);
  }
  return out;
}

/** `StreamingLocatorContentKey` entries: id = KID, value = base64 of `seed.contentKey(kid)` (same as the SPEKE server). */
export function locatorContentKeys(
  seed: KeySeed,
  kids: Array<{ label: string; kid: string }>,
): Array<{ id: string; labelReferenceInStreamingPolicy: string; value: string }> {
  return kids.map((k) => ({
    id: k.kid,
    labelReferenceInStreamingPolicy: k.label,
    value: seed.contentKey(kidFromUuid(k.kid)).toString("base64"),
  }));
}
