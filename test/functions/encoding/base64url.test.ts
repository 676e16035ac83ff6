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
    for (const s of ["Zm9vYg==", "+/8", "Zm9vY", "Zm9vYh", "a b"])
      assert.equal(decodeCanonicalBase64url(s), undefined, s);
    assert.equal(isCanonicalBase64url("Zm9vYh"), false, "'h' carries unused bits: same bytes as 'g', refused");
    assert.equal(isCanonicalBase64url("Zm9vYg"), true);
  });
});

describe("encoding/base64url: the canonical check agrees with Node's own encoder", () => {
  it("for every string of up to 3 characters and 20,000 random longer ones: canonical iff decode-then-encode gives it back", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // The oracle: Node's base64url encoder (an independent implementation) reproduces exactly the canonical strings.
    const oracle = (s: string) => Buffer.from(s, "base64url").toString("base64url") === s;
    const check = (s: string) => assert.equal(isCanonicalBase64url(s), oracle(s), JSON.stringify(s));
    check("");
    for (const a of alphabet) {
      check(a);
      for (const b of alphabet) {
        check(a + b);
        for (const c of alphabet) check(a + b + c);
      }
    }
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      let s = "";
      const n = 4 + (next() % 40);
      for (let j = 0; j < n; j++) s += alphabet[next() % 64];
      check(s);
    }
  });
});
