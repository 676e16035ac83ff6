/**
 * W3C "common" PSSH (EME Common SystemID and PSSH Box Format, w3c.github.io/encrypted-media/format-registry/initdata/cenc.html):
 * SystemID 1077efec-c0b2-4d02-ace3-3c1e52e2fb4b, version 1, the KIDs listed, DataSize 0. ClearKey CDMs read the KIDs from it.
 */
import { KeyplaneError } from "../errors";
import { assertKid } from "../keys/kid";
import { buildPssh } from "./pssh";
import { SYSTEM_IDS } from "./systems";

export function commonPssh(kids: Buffer[]): Buffer {
  if (!Array.isArray(kids) || kids.length === 0)
    throw new KeyplaneError("PSSH_INVALID", "Invalid PSSH box: the common PSSH needs at least one KID", {
      status: 400,
    });
  return buildPssh({
    version: 1,
    systemId: SYSTEM_IDS.w3cCommon,
    kids: kids.map((k) => Buffer.from(assertKid(k))),
    data: Buffer.alloc(0),
  });
}
