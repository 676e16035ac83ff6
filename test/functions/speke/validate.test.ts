/**
 * SPEKE semantic validation: the exact SPEKE v2 422 bodies (AWS SPEKE v2 documentation, error handling) and the
 * 400s for other inconsistencies (AWS SPEKE v2 encryption contract rules).
 */
import assert from "node:assert/strict";
import { readSpekeRequest } from "../../../functions/speke/request";
import { validateSpekeRequest } from "../../../functions/speke/validate";
import { isKeyplaneError } from "../../../functions/errors";
import { FAIRPLAY_CHILDREN, SYS, WIDEVINE_CHILDREN, kidN, v2Request, type RequestSpec } from "../../support/speke";

function outcome(doc: string, version: "1.0" | "2.0" | "2.1" = "2.0"): [number, string] {
  try {
    validateSpekeRequest(readSpekeRequest(doc, version));
    return [200, ""];
  } catch (e) {
    if (isKeyplaneError(e)) return [e.status, e.message];
    throw e;
  }
}

const base = (over: Partial<RequestSpec> = {}): string =>
  v2Request({
    keys: [{ kid: kidN(1) }, { kid: kidN(2), trackType: "AUDIO" }],
    systems: [{ systemId: SYS.widevine, children: WIDEVINE_CHILDREN }],
    ...over,
  });

describe("SPEKE request validation", () => {
  it("accepts a well-formed v2 request", () => {
    assert.deepEqual(outcome(base()), [200, ""]);
  });

  it("answers the exact SPEKE v2 422 bodies", () => {
    assert.deepEqual(outcome(base({ contentId: null })), [422, "Missing CPIX@contentId"]);
    assert.deepEqual(outcome(base({ version: null })), [422, "Missing CPIX@version"]);
    assert.deepEqual(outcome(base({ version: "4.0" })), [422, "Unsupported CPIX@version"]);
    assert.deepEqual(outcome(base({ keys: [{ kid: kidN(1), scheme: null }] })), [
      422,
      `Missing ContentKey@commonEncryptionScheme for KID ${kidN(1)}`,
    ]);
    assert.deepEqual(
      outcome(
        base({
          keys: [
            { kid: kidN(1), scheme: "cenc" },
            { kid: kidN(2), scheme: "cbcs", trackType: "AUDIO" },
          ],
        }),
      ),
      [422, "Non compliant ContentKey@commonEncryptionScheme combination"],
    );
  });

  it("refuses other malformed requests with 400 and a reason", () => {
    const cases: [string, RegExp][] = [
      [base({ keys: [{ kid: kidN(1), scheme: "abcd" }] }), /commonEncryptionScheme/],
      [
        base({
          keys: [{ kid: kidN(1), scheme: "cenc" }],
          systems: [{ systemId: SYS.fairplay, children: FAIRPLAY_CHILDREN }],
        }),
        /FairPlay/,
      ],
      [
        base({
          keys: [
            { kid: kidN(1), trackType: "ALL" },
            { kid: kidN(2), trackType: "HD" },
          ],
        }),
        /ALL/,
      ],
      [
        base({ keys: [{ kid: kidN(1), filter: "<cpix:VideoFilter/><cpix:AudioFilter/>" }] }),
        /both a VideoFilter and an AudioFilter/,
      ],
      // a v2 usage rule must say which tracks its key encrypts (AWS SPEKE v2 encryption contract)
      [
        base({
          keys: [
            { kid: kidN(1), filter: "" },
            { kid: kidN(2), trackType: "AUDIO" },
          ],
        }),
        new RegExp(`for KID ${kidN(1)} has neither a VideoFilter nor an AudioFilter`),
      ],
      [
        base({
          keys: [
            { kid: kidN(1) },
            { kid: kidN(2), trackType: "AUDIO", filter: '<cpix:BitrateFilter maxBitrate="100000"/>' },
          ],
        }),
        /neither a VideoFilter nor an AudioFilter/,
      ],
      [
        base({ keys: [{ kid: kidN(1), trackType: "ALL", filter: '<cpix:LabelFilter label="x"/>' }] }),
        /neither a VideoFilter nor an AudioFilter/,
      ],
      [base({ keys: [{ kid: kidN(1), trackType: "" }] }), /intendedTrackType/],
      [base({ keys: [{ kid: kidN(1), trackType: "video &lt;script&gt;" }] }), /intendedTrackType/],
      [
        base({ systems: [{ systemId: "80a6be7e-1448-4c37-9e70-d5aebe04c8d2", children: "" }] }),
        /Unsupported DRMSystem/,
      ],
      [
        base().replace(
          "</cpix:ContentKeyList>",
          `<cpix:ContentKey kid="${kidN(1)}" commonEncryptionScheme="cenc"/></cpix:ContentKeyList>`,
        ),
        /Duplicate ContentKey/,
      ],
      [
        base().replace(/<cpix:ContentKeyUsageRuleList>.*<\/cpix:ContentKeyUsageRuleList>/, ""),
        /ContentKeyUsageRuleList/,
      ],
      [base().replace(/<cpix:DRMSystemList>.*<\/cpix:DRMSystemList>/, ""), /DRMSystemList/],
      [base().replace(/<cpix:ContentKeyList>.*<\/cpix:ContentKeyList>/, "<cpix:ContentKeyList/>"), /ContentKeyList/],
      [
        base().replace(`<cpix:DRMSystem kid="${kidN(2)}"`, `<cpix:DRMSystem kid="${kidN(9)}"`),
        /does not match any ContentKey/,
      ],
    ];
    for (const [doc, re] of cases) {
      const [s, m] = outcome(doc);
      assert.equal(s, 400, `${m} for ${doc}`);
      assert.match(m, re);
    }
  });

  it("accepts SHARED (ALL) alone, and a v1 request without schemes or usage rules", () => {
    assert.equal(outcome(base({ keys: [{ kid: kidN(1), trackType: "ALL" }] }))[0], 200);
    const v1 =
      `<cpix:CPIX id="x" xmlns:cpix="urn:dashif:org:cpix"><cpix:ContentKeyList><cpix:ContentKey kid="${kidN(1)}"/></cpix:ContentKeyList>` +
      `<cpix:DRMSystemList><cpix:DRMSystem kid="${kidN(1)}" systemId="${SYS.hlsAesV1}"><cpix:URIExtXKey/></cpix:DRMSystem></cpix:DRMSystemList></cpix:CPIX>`;
    assert.equal(outcome(v1, "1.0")[0], 200);
  });
});

describe("SPEKE content id limits", () => {
  it("refuses an over-long content id with 400", () => {
    const [s] = outcome(
      v2Request({
        contentId: "x".repeat(1025),
        keys: [{ kid: kidN(1) }],
        systems: [{ systemId: SYS.widevine, children: WIDEVINE_CHILDREN }],
      }),
    );
    assert.equal(s, 400);
  });
});
