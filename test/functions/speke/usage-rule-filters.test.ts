/**
 * SPEKE v2 usage rules without a track filter, over real HTTP (the app from functions/app.ts on loopback). In the AWS
 * SPEKE v2 encryption contract each ContentKeyUsageRule says which tracks its key encrypts with a VideoFilter and/or
 * an AudioFilter (DOMAIN.md "Encryption contract"); a rule with neither (only a KeyPeriodFilter, say) would let one key
 * cover every track, so the key server refuses it with a 4xx and a reason. AWS's documented exact 422 bodies (SPEKE v2
 * / MediaPackage "Error responses") have none for this case: the answer is a 400 text with the reason, and a v1
 * request (no encryption contract, rules with only a KeyPeriodFilter as in the AWS v1 sample) is still served.
 */
import assert from "node:assert/strict";
import { createApp } from "../../../functions/app";
import { parseKeyplaneConfig } from "../../../functions/config";
import { listen, type Listening } from "../../../functions/runtimes/listen";
import { SYS, WIDEVINE_CHILDREN, kidN, testContext, v2Request } from "../../support/speke";

describe("SPEKE v2 usage rules need a VideoFilter or an AudioFilter (HTTP)", () => {
  let server: Listening;
  before(async () => {
    const ctx = testContext();
    server = await listen(createApp(ctx, parseKeyplaneConfig({}), { areas: ["speke"] }));
  });
  after(async () => server?.close());

  const post = async (body: string, version?: string) => {
    const res = await fetch(`${server.url}/speke`, {
      method: "POST",
      headers: { "Content-Type": "application/xml", ...(version ? { "X-Speke-Version": version } : {}) },
      body,
    });
    return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text() };
  };
  const periods = '<cpix:ContentKeyPeriodList><cpix:ContentKeyPeriod id="p1" index="1"/></cpix:ContentKeyPeriodList>';

  it("refuses a rule with neither filter (only a KeyPeriodFilter) with 400 text naming the KID", async () => {
    for (const version of ["2.0", "2.1"]) {
      const doc = v2Request({
        version: version === "2.0" ? "2.3" : "2.4",
        periods,
        keys: [
          { kid: kidN(91), periodId: "p1" },
          { kid: kidN(92), trackType: "AUDIO", periodId: "p1", filter: "" },
        ],
        systems: [{ systemId: SYS.widevine, children: WIDEVINE_CHILDREN }],
      });
      const r = await post(doc, version);
      assert.equal(r.status, 400, r.body);
      assert.match(r.type, /^text\/plain/);
      assert.equal(
        r.body,
        `ContentKeyUsageRule for KID ${kidN(92)} has neither a VideoFilter nor an AudioFilter (SPEKE v2 encryption contract)`,
      );
    }
  });

  it("still serves v2 rules with one filter each, SHARED with both, and a v1 rule with only a KeyPeriodFilter", async () => {
    const ok = await post(
      v2Request({
        keys: [{ kid: kidN(93) }, { kid: kidN(94), trackType: "AUDIO" }],
        systems: [{ systemId: SYS.widevine, children: WIDEVINE_CHILDREN }],
      }),
      "2.0",
    );
    assert.equal(ok.status, 200, ok.body);
    const shared = await post(
      v2Request({
        keys: [{ kid: kidN(95), trackType: "ALL" }],
        systems: [{ systemId: SYS.widevine, children: WIDEVINE_CHILDREN }],
      }),
      "2.0",
    );
    assert.equal(shared.status, 200, shared.body);
    const v1 =
      `<cpix:CPIX id="x" xmlns:cpix="urn:dashif:org:cpix"><cpix:ContentKeyList><cpix:ContentKey kid="${kidN(96)}"/></cpix:ContentKeyList>` +
      `<cpix:DRMSystemList><cpix:DRMSystem kid="${kidN(96)}" systemId="${SYS.hlsAesV1}"><cpix:URIExtXKey/></cpix:DRMSystem></cpix:DRMSystemList>` +
      `${periods}<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${kidN(96)}"><cpix:KeyPeriodFilter periodId="p1"/></cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList></cpix:CPIX>`;
    const r1 = await post(v1);
    assert.equal(r1.status, 200, r1.body);
  });
});
