import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { commonPssh } from "../../../functions/drm/clearkey";
import { parsePssh } from "../../../functions/drm/pssh";
import { SYSTEM_IDS } from "../../../functions/drm/systems";
import { isKeyplaneError } from "../../../functions/errors";
import { WPT_COMMON_PSSH } from "../../support/drm-vectors";

describe("drm/clearkey common PSSH", () => {
  it("matches the W3C wpt getInitData('cenc') bytes after the size field", () => {
    const b = commonPssh([Buffer.from(WPT_COMMON_PSSH.kidHex, "hex")]);
    assert.equal(b.readUInt32BE(0), b.length);
    assert.equal(b.subarray(4).toString("hex"), WPT_COMMON_PSSH.afterSizeHex);
  });

  it("lists every KID big-endian, version 1, DataSize 0 (W3C EME common format)", () => {
    const kids = [
      Buffer.from("0123456789abcdef0123456789abcdef", "hex"),
      Buffer.from("fedcba9876543210fedcba9876543210", "hex"),
    ];
    const box = parsePssh(commonPssh(kids));
    assert.equal(box.version, 1);
    assert.equal(box.systemId, SYSTEM_IDS.w3cCommon);
    assert.deepEqual(box.kids, kids);
    assert.equal(box.data.length, 0);
  });

  it("refuses an empty KID list and bad KIDs", () => {
    assert.throws(
      () => commonPssh([]),
      (e: unknown) => isKeyplaneError(e) && e.code === "PSSH_INVALID",
    );
    assert.throws(
      () => commonPssh([Buffer.alloc(4)]),
      (e: unknown) => isKeyplaneError(e) && e.code === "KID_INVALID",
    );
  });
});
