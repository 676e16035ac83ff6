import assert from "node:assert/strict";
import { describe, it } from "mocha";
import {
  expandTemplate,
  extXKey,
  extXSessionKey,
  playReadyHlsAttributes,
  widevineHlsAttributes,
} from "../../../functions/drm/hls";
import { isKeyplaneError } from "../../../functions/errors";

const code = (c: string) => (e: unknown) => isKeyplaneError(e) && e.code === c;
const kid = Buffer.from("8ba94ade6eb9449db44fa5beefaf43b0", "hex");

describe("drm/hls key lines", () => {
  it("writes AES-128 with an IV as a 0x hexadecimal-sequence (RFC 8216 4.3.2.4)", () => {
    const line = extXKey({
      method: "AES-128",
      uri: "https://keys.example/hls/key/abc",
      iv: Buffer.from("000102030405060708090a0b0c0d0e0f", "hex"),
      keyformat: "identity",
      keyformatversions: "1",
    });
    assert.equal(
      line,
      '#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example/hls/key/abc",IV=0x000102030405060708090A0B0C0D0E0F,KEYFORMAT="identity",KEYFORMATVERSIONS="1"',
    );
  });

  it("uses data: URIs for Widevine (PSSH) and PlayReady (PRO, UTF-16)", () => {
    const wv = extXKey(widevineHlsAttributes(Buffer.from([1, 2, 3])));
    assert.equal(
      wv,
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="data:text/plain;base64,AQID",KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",KEYFORMATVERSIONS="1"',
    );
    const pr = extXSessionKey(playReadyHlsAttributes(Buffer.from([1, 2, 3]), "SAMPLE-AES-CTR"));
    assert.equal(
      pr,
      '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES-CTR,URI="data:text/plain;charset=UTF-16;base64,AQID",KEYFORMAT="com.microsoft.playready",KEYFORMATVERSIONS="1"',
    );
  });

  it("refuses quoted-string breakers and malformed attributes", () => {
    const bad = code("HLS_ATTRIBUTE_INVALID");
    assert.throws(() => extXKey({ method: "AES-128", uri: 'https://x/"k"' }), bad);
    assert.throws(() => extXKey({ method: "AES-128", uri: "https://x/k\n#EXT-X-ENDLIST" }), bad);
    assert.throws(() => extXKey({ method: "AES-128", uri: "https://x/k\r" }), bad);
    assert.throws(() => extXKey({ method: "AES-128", uri: "" }), bad);
    assert.throws(() => extXKey({ method: "AES-128", uri: "https://x", keyformat: 'a"b' }), bad);
    assert.throws(() => extXKey({ method: "AES-128", uri: "https://x", keyformatversions: "1,2" }), bad);
    assert.throws(() => extXKey({ method: "AES-128", uri: "https://x", iv: Buffer.alloc(8) }), bad);
    assert.throws(() => extXKey({ method: "NONE" as "AES-128", uri: "https://x" }), bad);
    assert.equal(
      extXKey({ method: "AES-128", uri: "https://x", keyformatversions: "1/2/5" }).endsWith(
        'KEYFORMATVERSIONS="1/2/5"',
      ),
      true,
    );
  });
});

describe("drm/hls key URI templates", () => {
  it("expands every placeholder", () => {
    assert.equal(expandTemplate("skd://{kid}", { kid }), "skd://8ba94ade-6eb9-449d-b44f-a5beefaf43b0");
    assert.equal(
      expandTemplate("{base_url}/hls/key/{kid_hex}", { kid, baseUrl: "https://k.example/" }),
      "https://k.example/hls/key/8ba94ade6eb9449db44fa5beefaf43b0",
    );
    assert.equal(expandTemplate("x/{kid_b64url}", { kid }), `x/${kid.toString("base64url")}`);
    assert.equal(expandTemplate("{kid_b64url}", { kid }).length, 22);
    assert.equal(
      expandTemplate("x?c={content_id}&k={kid}", { kid, contentId: "a b/c&d=é" }),
      "x?c=a%20b%2Fc%26d%3D%C3%A9&k=8ba94ade-6eb9-449d-b44f-a5beefaf43b0",
    );
    assert.equal(expandTemplate("no placeholders", { kid }), "no placeholders");
  });

  it("refuses unknown placeholders, missing values and stray braces", () => {
    const bad = code("TEMPLATE_INVALID");
    assert.throws(() => expandTemplate("{kidd}", { kid }), bad);
    assert.throws(() => expandTemplate("{KID}", { kid }), bad);
    assert.throws(() => expandTemplate("{content_id}", { kid }), bad);
    assert.throws(() => expandTemplate("{base_url}/k", { kid }), bad);
    assert.throws(() => expandTemplate("x/{kid", { kid }), bad);
    assert.throws(() => expandTemplate("x/kid}", { kid }), bad);
    assert.throws(() => expandTemplate("{kid}", { kid: Buffer.alloc(3) }), code("KID_INVALID"));
    assert.throws(() => expandTemplate("{content_id}", { kid, contentId: "bad\ud800" }), bad);
  });
});
