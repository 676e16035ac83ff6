import assert from "node:assert/strict";
import {
  kidFromUuid,
  kidFromHex,
  kidFromBase64url,
  parseKid,
  kidToUuid,
  kidToBase64url,
  swapGuidEndianness,
} from "../../../functions/keys/kid";
import { KeyplaneError } from "../../../functions/errors";

describe("keys/kid", () => {
  // W3C EME web-platform-tests 'mp4-basic' content: KID ad13f9ea-2be6-98b8-75f5-04a8e3ccea64, whose base64url form
  // rQP56ivmmLh19QSo48zqZA appears in the same suite's Clear Key licence requests (encrypted-media/content/content-metadata.js).
  const uuid = "ad13f9ea-2be6-98b8-75f5-04a8e3ccea64";

  it("parses the UUID, hex and base64url forms of one KID to the same big-endian bytes", () => {
    const b = kidFromUuid(uuid);
    assert.equal(b.toString("hex"), "ad13f9ea2be698b875f504a8e3ccea64");
    assert.deepEqual(kidFromHex("AD13F9EA2BE698B875F504A8E3CCEA64"), b);
    assert.deepEqual(kidFromBase64url("rRP56ivmmLh19QSo48zqZA"), b);
    assert.deepEqual(parseKid("rRP56ivmmLh19QSo48zqZA"), b);
    assert.equal(kidToUuid(b), uuid);
    assert.equal(kidToBase64url(b), "rRP56ivmmLh19QSo48zqZA");
  });

  it("swaps to the little-endian GUID layout PlayReady uses (Microsoft GUID struct: Data1 u32, Data2 u16, Data3 u16 little-endian)", () => {
    const le = swapGuidEndianness(kidFromUuid("01020304-0506-0708-090a-0b0c0d0e0f10"));
    assert.equal(le.toString("hex"), "04030201060508070" + "90a0b0c0d0e0f10");
    assert.deepEqual(swapGuidEndianness(le), kidFromUuid("01020304-0506-0708-090a-0b0c0d0e0f10"));
  });

  for (const bad of [
    "",
    "not-a-kid",
    "ad13f9ea-2be6-98b8-75f5-04a8e3ccea6",
    "ad13f9ea2be698b875f504a8e3ccea6g",
    "rRP56ivmmLh19QSo48zqZB",
    "rRP56ivmmLh19QSo48zqZA==",
    "rRP56ivmmLh19QSo48zq+A",
  ]) {
    it(`refuses ${JSON.stringify(bad)} with KID_INVALID`, () => {
      assert.throws(
        () => parseKid(bad),
        (e: unknown) => e instanceof KeyplaneError && e.code === "KID_INVALID" && e.status === 400,
      );
    });
  }
});
