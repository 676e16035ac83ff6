import assert from "node:assert/strict";
import { describe, it } from "mocha";
import * as drm from "../../../functions/drm";

describe("drm/index", () => {
  it("re-exports the public API other areas import", () => {
    for (const name of [
      "SYSTEM_IDS",
      "DASHIF_CLEARKEY_SCHEME",
      "drmSystemName",
      "buildPssh",
      "parsePssh",
      "widevinePsshData",
      "decodeWidevinePsshData",
      "widevinePssh",
      "playReadyChecksum",
      "chooseHeaderVersion",
      "wrmHeader",
      "playReadyObject",
      "playReadyPssh",
      "parsePlayReadyObject",
      "commonPssh",
      "extXKey",
      "extXSessionKey",
      "expandTemplate",
      "contentProtectionXml",
      "contentProtectionDataXml",
    ]) {
      assert.ok(name in drm && (drm as Record<string, unknown>)[name] !== undefined, name);
    }
    // one call through the barrel, to be sure it is the real implementation
    assert.equal(drm.drmSystemName(drm.SYSTEM_IDS.widevine), "widevine");
  });
});
