import { strict as assert } from "node:assert";
import { decodeCanonicalBase64url, isCanonicalBase64url } from "../../../functions/encoding/base64url";

describe("encoding/base64url: canonical decoding", () => {
  it("decodes the canonical unpadded spelling of the bytes", () => {
    // RFC 4648 §10 test vector "foob" (Zm9vYg== in base64), unpadded url-safe form.
    assert.deepEqual(decodeCanonicalBase64url("Zm9vYg"), Buffer.from("foob"));
    assert.deepEqual(decodeCanonicalBase64url("-_8"), Buffer.from([0xfb, 0xff]));
    assert.deepEqual(decodeCanonicalBase64url(""), Buffer.alloc(0));
  });

  it("refuses padding, the standard alphabet, impossible lengths and non-zero unused bits", () => {
    for (const s of ["Zm9vYg==", "+/8", "Zm9vY", "Zm9vYh", "a b"]) assert.equal(decodeCanonicalBase64url(s), undefined, s);
    assert.equal(isCanonicalBase64url("Zm9vYh"), false, "'h' carries unused bits: same bytes as 'g', refused");
    assert.equal(isCanonicalBase64url("Zm9vYg"), true);
  });
});
