import assert from "node:assert/strict";
import { describe, it } from "mocha";
import {
  DASHIF_CLEARKEY_SCHEME,
  drmSystemName,
  normalizeSystemId,
  SYSTEM_IDS,
  systemIdBytes,
} from "../../../functions/drm/systems";

describe("drm/systems", () => {
  it("carries the registered system ids (DASH-IF identifier registry, W3C EME, AWS SPEKE docs)", () => {
    assert.equal(SYSTEM_IDS.widevine, "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed");
    assert.equal(SYSTEM_IDS.playready, "9a04f079-9840-4286-ab92-e65be0885f95");
    assert.equal(SYSTEM_IDS.fairplay, "94ce86fb-07ff-4f43-adb8-93d2fa968ca2");
    assert.equal(SYSTEM_IDS.w3cCommon, "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b");
    assert.equal(DASHIF_CLEARKEY_SCHEME, "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e");
  });

  it("names systems case-insensitively, with or without urn:uuid:", () => {
    assert.equal(drmSystemName("EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED"), "widevine");
    assert.equal(drmSystemName("urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95"), "playready");
    assert.equal(drmSystemName(" 94ce86fb-07ff-4f43-adb8-93d2fa968ca2 "), "fairplay");
    assert.equal(drmSystemName("81376844-f976-481e-a84e-cc25d39b0b33"), "hlsAes128");
    assert.equal(drmSystemName("3ea8778f-7742-4bf9-b18b-e834b2acbd47"), "clearKeyAes128");
    assert.equal(drmSystemName("80a6be7e-1448-4c37-9e70-d5aebe04c8d2"), undefined);
    assert.equal(drmSystemName("edef8ba979d64acea3c827dcd51d21ed"), undefined);
    assert.equal(drmSystemName("toString"), undefined);
    assert.equal(normalizeSystemId("nope"), undefined);
  });

  it("converts ids to the 16 bytes written in PSSH boxes", () => {
    assert.equal(systemIdBytes(SYSTEM_IDS.widevine).toString("base64"), "7e+LqXnWSs6jyCfc1R0h7Q==");
    assert.throws(() => systemIdBytes("x"));
  });
});
