/**
 * Which KIDs a viewer is entitled to, from the VERIFIED token and the policy binding:
 *  1. token KIDs = the `urn:microsoft:azure:mediaservices:contentkeyidentifier` claim (one KID) plus the `kids` claim
 *     (an array of KIDs, or one KID as a string); each KID may be a UUID, 32 hex digits or 22-char base64url.
 *  2. With token KIDs and a policy binding (`kids` in the vendor config): the intersection; empty -> 403.
 *     With token KIDs and no binding: the token KIDs.
 *  3. Without token KIDs (or an open restriction): the binding; no binding -> 403.
 * A token naming a malformed KID is refused (403) rather than partially honoured. Comparison is on the 16 bytes.
 * `required: false` (DRMtoday with `assetIdClaim`, where the asset claim is the entitlement) allows an empty result
 * when neither the token nor the binding names KIDs; token KIDs outside the binding are still refused.
 */
import { CONTENT_KEY_IDENTIFIER_CLAIM } from "../policy/model";
import { kidFromUuid, parseKid } from "../keys/kid";
import { licenseError } from "./errors";

export const KIDS_CLAIM = "kids";
export const MAX_ENTITLED_KIDS = 256;

function claimKids(value: unknown, name: string): Buffer[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_ENTITLED_KIDS) throw licenseError("NOT_ENTITLED", `Token claim ${name} lists too many KIDs`);
  return list.map((v) => {
    if (typeof v !== "string") throw licenseError("NOT_ENTITLED", `Token claim ${name} must hold KID strings`);
    try {
      return parseKid(v);
    } catch {
      throw licenseError("NOT_ENTITLED", `Token claim ${name} holds a malformed KID`);
    }
  });
}

function dedupe(kids: Buffer[]): Buffer[] {
  const seen = new Set<string>();
  return kids.filter((k) => {
    const h = k.toString("hex");
    if (seen.has(h)) return false;
    seen.add(h);
    return true;
  });
}

/** The token's own KIDs (rule 1). */
export function tokenKids(claims: Record<string, unknown>): Buffer[] {
  return dedupe([
    ...claimKids(claims[CONTENT_KEY_IDENTIFIER_CLAIM], "contentkeyidentifier"),
    ...claimKids(claims[KIDS_CLAIM], KIDS_CLAIM),
  ]);
}

/** Entitled KIDs (rules 1-3); throws NOT_ENTITLED (403) when there are none. */
export function entitledKids(
  claims: Record<string, unknown>,
  binding: readonly string[] | undefined,
  opts: { required?: boolean } = {},
): Buffer[] {
  const required = opts.required ?? true;
  const fromToken = tokenKids(claims);
  const bound = binding ? dedupe(binding.map(kidFromUuid)) : undefined;
  let out: Buffer[];
  if (fromToken.length > 0) {
    out = bound ? fromToken.filter((k) => bound.some((b) => b.equals(k))) : fromToken;
    // KIDs the token names but the policy does not govern are refused even when KIDs are optional.
    if (out.length === 0)
      throw licenseError("NOT_ENTITLED", "The token grants no content key this license service governs");
  } else {
    out = bound ?? [];
    if (out.length === 0 && required)
      throw licenseError("NOT_ENTITLED", "The token names no content key and the policy binds none");
  }
  return out;
}
