import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { assertFairPlayScheme, fairPlayHlsAttributes } from "../../../functions/drm/fairplay";
import { extXKey, extXSessionKey } from "../../../functions/drm/hls";
import { isKeyplaneError } from "../../../functions/errors";

const code = (c: string) => (e: unknown) => isKeyplaneError(e) && e.code === c;

describe("drm/fairplay", () => {
  it("writes the line AWS SPEKE documents for FairPlay; media and master differ only in the tag", () => {
    const a = fairPlayHlsAttributes("skd://8ba94ade-6eb9-449d-b44f-a5beefaf43b0");
    assert.equal(
      extXKey(a),
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://8ba94ade-6eb9-449d-b44f-a5beefaf43b0",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"',
    );
    assert.equal(extXSessionKey(a), extXKey(a).replace("#EXT-X-KEY:", "#EXT-X-SESSION-KEY:"));
  });

  it("carries an explicit IV when given", () => {
    const line = extXKey(fairPlayHlsAttributes("skd://k", Buffer.alloc(16, 0xab)));
    assert.ok(line.includes(`,IV=0x${"AB".repeat(16)},`));
  });

  it("refuses non-skd URIs and any scheme but cbcs", () => {
    assert.throws(() => fairPlayHlsAttributes("https://not-skd"), code("HLS_ATTRIBUTE_INVALID"));
    assert.throws(() => fairPlayHlsAttributes("skd://"), code("HLS_ATTRIBUTE_INVALID"));
    assert.doesNotThrow(() => assertFairPlayScheme("cbcs"));
    assert.throws(() => assertFairPlayScheme("cenc"), code("FAIRPLAY_SCHEME"));
  });
});
