/**
 * Optional KID override: the key server replaces each requested KID with its own. Deterministic (same request,
 * same KIDs) and public: KID' = first 16 bytes of SHA-256("keyplane/kid-override/v1" ‖ 0 ‖ contentId ‖ 0 ‖ KID),
 * stamped as an RFC 4122 version 4 / variant 1 UUID. No key material is involved.
 */
import { createHash } from "node:crypto";

const LABEL = Buffer.from("keyplane/kid-override/v1\0", "utf8");
const ZERO = Buffer.alloc(1);

export function overrideKid(contentId: string, kid: Buffer): Buffer {
  const h = createHash("sha256").update(LABEL).update(contentId, "utf8").update(ZERO).update(kid).digest();
  const out = Buffer.from(h.subarray(0, 16));
  out[6] = (out[6]! & 0x0f) | 0x40;
  out[8] = (out[8]! & 0x3f) | 0x80;
  return out;
}
