/**
 * AMS v2 ContentKeyAuthorizationPolicyOption entities -> shared model. Fixtures are the request bodies of
 * Microsoft Docs, "Dynamic encryption: Configure a content key authorization policy (legacy)"
 * (media-services-rest-configure-content-key-auth-policy.md): fixtures/v2-option-open.json (open restriction,
 * BaselineHttp) and fixtures/v2-option-token.json (SWT token restriction, BaselineHttp).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  contentKeyPolicyFromV2Options,
  contentKeyPolicyToArm,
  type V2AuthorizationPolicyOption,
} from "../../../../functions/policy/ams";
import { throwsKeyplaneError } from "../../../support/assert";

const option = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, "fixtures", name), "utf8")) as V2AuthorizationPolicyOption;

const rejects = throwsKeyplaneError;

describe("functions/policy/ams: v2 authorization policy options import", () => {
  it("maps the docs' open and SWT-token BaselineHttp options to ClearKey options with the same restrictions", () => {
    const policy = contentKeyPolicyFromV2Options("hls-aes", [
      option("v2-option-open.json"),
      option("v2-option-token.json"),
    ]);
    assert.deepEqual(
      policy.options.map((o) => [o.name, o.configuration.type, o.restriction.type]),
      [
        ["policy", "ClearKey", "Open"],
        ["Token option for HLS", "ClearKey", "Token"],
      ],
    );
    const r = policy.options[1]!.restriction;
    assert.ok(r.type === "Token");
    assert.equal(r.tokenType, "Swt");
    assert.equal(r.issuer, "http://testacs.com/");
    assert.equal(r.alternateVerificationKeys.length, 1);
    // ... and the imported policy renders to v3 ARM.
    const arm = contentKeyPolicyToArm(policy);
    assert.equal(arm.options[1]!.restriction["@odata.type"], "#Microsoft.Media.ContentKeyPolicyTokenRestriction");
    assert.equal(arm.options[1]!.restriction.restrictionTokenType, "Swt");
  });

  it("maps a Widevine option with its template", () => {
    const wv = {
      ...option("v2-option-open.json"),
      Name: "wv",
      KeyDeliveryType: 3,
      KeyDeliveryConfiguration: '{"allowed_track_types":"SD_HD","policy_overrides":{"can_play":true}}',
    };
    const p = contentKeyPolicyFromV2Options("wv", [wv]);
    assert.deepEqual(p.options[0]!.configuration, {
      type: "Widevine",
      template: { allowed_track_types: "SD_HD", policy_overrides: { can_play: true } },
    });
  });

  it("refuses what cannot be carried: PlayReady templates, FairPlay, IP restrictions, several restrictions", () => {
    const open = option("v2-option-open.json");
    rejects(
      () => contentKeyPolicyFromV2Options("p", [{ ...open, KeyDeliveryType: 1 }]),
      "AMS_IMPORT_UNSUPPORTED",
      /PlayReady license response template/,
    );
    rejects(
      () => contentKeyPolicyFromV2Options("p", [{ ...open, KeyDeliveryType: 4 }]),
      "AMS_IMPORT_UNSUPPORTED",
      /FairPlay/,
    );
    rejects(
      () =>
        contentKeyPolicyFromV2Options("p", [
          { ...open, Restrictions: [{ KeyRestrictionType: 2, Requirements: "<Allowed/>" }] },
        ]),
      "AMS_IMPORT_UNSUPPORTED",
      /IP restriction/,
    );
    rejects(
      () =>
        contentKeyPolicyFromV2Options("p", [{ ...open, Restrictions: [open.Restrictions[0]!, open.Restrictions[0]!] }]),
      "AMS_IMPORT_UNSUPPORTED",
      /exactly one restriction/,
    );
    rejects(() => contentKeyPolicyFromV2Options("p", [open, open]), "AMS_IMPORT_INVALID", /duplicate option name/);
  });
});
