/**
 * The PlayReady key checksum (PlayReady Header Specification, "CHECKSUM"): for ALGID AESCTR, base64 of the first 8
 * bytes of AES-128-ECB(content key, KID as a little-endian GUID). Written into the WRMHEADER (playready-header.ts).
 */
import { createCipheriv } from "node:crypto";
import { KeyplaneError } from "../errors";
import { assertKid, toLittleEndianGuid } from "../keys/kid";

/** base64 of the first 8 bytes of AES-128-ECB(key, little-endian KID). `kid` is big-endian UUID bytes. */
export function playReadyChecksum(kid: Buffer, key: Buffer): string {
  const le = toLittleEndianGuid(assertKid(kid));
  if (!(key instanceof Uint8Array) || key.length !== 16)
    throw new KeyplaneError("PLAYREADY_KEY_INVALID", "A PlayReady content key must be 16 bytes", { status: 400 });
  const c = createCipheriv("aes-128-ecb", key, null);
  c.setAutoPadding(false);
  const block = Buffer.concat([c.update(le), c.final()]);
  return block.subarray(0, 8).toString("base64");
}
