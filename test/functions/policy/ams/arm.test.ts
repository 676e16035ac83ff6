/**
 * AMS v3 ContentKeyPolicy ARM JSON <-> shared model. Fixtures are request bodies (`parameters.properties`) of the
 * public ARM examples in Azure/azure-rest-api-specs, specification/mediaservices, api-version 2023-01-01:
 * - fixtures/v3-playready-open.json: ContentKeyPolicies_CreateOrUpdate "Creates a Content Key Policy with PlayReady
 *   option and Open Restriction".
 * - fixtures/v3-multiple-options.json: ContentKeyPolicies_CreateOrUpdate "Creates a Content Key Policy with multiple options".
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { contentKeyPolicyFromArm, contentKeyPolicyToArm, ODATA } from "../../../../functions/policy/ams";
import { parseContentKeyPolicy, type ContentKeyPolicyInput } from "../../../../functions/policy";
import { throwsKeyplaneError } from "../../../support/assert";

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, "fixtures", name), "utf8")) as { properties: { options: unknown[] } };

const rejects = throwsKeyplaneError;

describe("functions/policy/ams: v3 ARM JSON import and render", () => {
  it("PlayReady + open restriction example: imports into the model and renders back to the same ARM JSON", () => {
    const arm = fixture("v3-playready-open.json");
    const policy = contentKeyPolicyFromArm(arm, { name: "PolicyWithPlayReadyOptionAndOpenRestriction" });
    const opt = policy.options[0]!;
    assert.equal(opt.configuration.type, "PlayReady");
    assert.equal(opt.restriction.type, "Open");
    assert.ok(opt.configuration.type === "PlayReady");
    const lic = opt.configuration.licenses[0]!;
    assert.equal(lic.licenseType, "Persistent");
    assert.equal(lic.securityLevel, "SL150");
    assert.equal(lic.contentType, "UltraVioletDownload");
    assert.equal(lic.beginDate, "2017-10-16T18:22:53.46Z");
    assert.deepEqual(lic.contentKeyLocation, { type: "FromHeader" });
    assert.equal(lic.playRight?.scmsRestriction, 2);
    assert.deepEqual(contentKeyPolicyToArm(policy), arm.properties);
  });

  it("Widevine option of the multiple-options example round-trips, template string byte for byte", () => {
    const arm = fixture("v3-multiple-options.json");
    const widevineOnly = { properties: { description: "ArmPolicyDescription", options: [arm.properties.options[1]] } };
    const policy = contentKeyPolicyFromArm(widevineOnly, { name: "PolicyCreatedWithMultipleOptions" });
    const c = policy.options[0]!.configuration;
    assert.ok(c.type === "Widevine");
    assert.equal(c.template.allowed_track_types, "SD_HD");
    assert.equal(c.template.content_key_specs?.[0]?.required_output_protection?.hdcp, "HDCP_V2");
    assert.deepEqual(contentKeyPolicyToArm(policy), widevineOnly.properties);
  });

  it("refuses the example's 16-byte symmetric key (HS256 needs 256 bits) and names the path", () => {
    rejects(
      () => contentKeyPolicyFromArm(fixture("v3-multiple-options.json"), { name: "p" }),
      "AMS_IMPORT_INVALID",
      /options\.0\.restriction\.primaryVerificationKey/,
    );
  });

  it("refuses fields the model cannot carry instead of dropping them", () => {
    const arm = fixture("v3-playready-open.json") as {
      properties: { options: Array<{ configuration: { licenses: Array<{ playRight: Record<string, unknown> }> } }> };
    };
    arm.properties.options[0]!.configuration.licenses[0]!.playRight.explicitAnalogTelevisionOutputRestriction = {
      bestEffort: true,
      configurationData: 2,
    };
    rejects(
      () => contentKeyPolicyFromArm(arm, { name: "p" }),
      "AMS_IMPORT_INVALID",
      /explicitAnalogTelevisionOutputRestriction: not supported/,
    );
    const wv = fixture("v3-multiple-options.json") as {
      properties: { options: Array<{ configuration: { widevineTemplate: string } }> };
    };
    wv.properties.options[1]!.configuration.widevineTemplate = JSON.stringify({
      allowed_track_types: "SD_HD",
      frobnicate: 1,
    });
    rejects(
      () => contentKeyPolicyFromArm({ properties: { options: [wv.properties.options[1]] } }, { name: "p" }),
      "AMS_IMPORT_INVALID",
      /does not carry/,
    );
    rejects(
      () =>
        contentKeyPolicyFromArm(
          {
            properties: {
              options: [
                {
                  name: "x",
                  configuration: { "@odata.type": "#Microsoft.Media.ContentKeyPolicyUnknownConfiguration" },
                  restriction: { "@odata.type": ODATA.openRestriction },
                },
              ],
            },
          },
          { name: "p" },
        ),
      "AMS_IMPORT_INVALID",
      /unsupported configuration type/,
    );
  });

  it("requires a valid policy name", () => {
    rejects(() => contentKeyPolicyFromArm(fixture("v3-playready-open.json")), "AMS_IMPORT_INVALID", /name/);
  });

  it("FairPlay: ASK is hex in the model and base64 in ARM; PFX, password, rental settings carried over", () => {
    const ask = "000102030405060708090a0b0c0d0e0f";
    const input: ContentKeyPolicyInput = {
      name: "fp",
      options: [
        {
          name: "fairplay",
          configuration: {
            type: "FairPlay",
            ask,
            fairPlayPfx: "UEZY",
            fairPlayPfxPassword: "pw",
            rentalAndLeaseKeyType: "PersistentLimited",
            rentalDuration: 3600,
            offlineRentalConfiguration: { playbackDurationSeconds: 60, storageDurationSeconds: 120 },
          },
          restriction: { type: "Open" },
        },
      ],
    };
    const arm = contentKeyPolicyToArm(parseContentKeyPolicy(input));
    const cfg = arm.options[0]!.configuration;
    assert.equal(cfg["@odata.type"], "#Microsoft.Media.ContentKeyPolicyFairPlayConfiguration");
    assert.equal(cfg.ask, Buffer.from(ask, "hex").toString("base64"));
    assert.equal(cfg.rentalAndLeaseKeyType, "PersistentLimited");
    const back = contentKeyPolicyFromArm({ name: "fp", properties: arm });
    assert.deepEqual(back, parseContentKeyPolicy(input));
  });

  it("token restriction with RSA, X.509 (PEM rendered as base64 DER) and required claims round-trips", () => {
    const modulus = Buffer.alloc(256, 7).toString("base64");
    const der = readFileSync(join(__dirname, "fixtures", "v2-jwt-x509.xml"), "utf8").match(
      /<RawBody>([^<]+)<\/RawBody>/,
    )![1]!;
    const pem = `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
    const policy = parseContentKeyPolicy({
      name: "jwt",
      options: [
        {
          name: "o",
          configuration: { type: "ClearKey" },
          restriction: {
            type: "Token",
            issuer: "https://issuer",
            audience: "urn:aud",
            tokenType: "Jwt",
            primaryVerificationKey: { type: "Rsa", exponent: "AQAB", modulus },
            alternateVerificationKeys: [{ type: "X509", rawBody: pem }],
            requiredClaims: [
              { claimType: "urn:microsoft:azure:mediaservices:contentkeyidentifier" },
              { claimType: "tier", claimValue: "gold" },
            ],
          },
        },
      ],
    });
    const r = contentKeyPolicyToArm(policy).options[0]!.restriction;
    assert.equal(r["@odata.type"], "#Microsoft.Media.ContentKeyPolicyTokenRestriction");
    assert.equal(r.restrictionTokenType, "Jwt");
    assert.deepEqual(r.primaryVerificationKey, {
      "@odata.type": "#Microsoft.Media.ContentKeyPolicyRsaTokenKey",
      exponent: "AQAB",
      modulus,
    });
    assert.deepEqual(r.alternateVerificationKeys, [
      { "@odata.type": "#Microsoft.Media.ContentKeyPolicyX509CertificateTokenKey", rawBody: der },
    ]);
    assert.deepEqual(r.requiredClaims, [
      { claimType: "urn:microsoft:azure:mediaservices:contentkeyidentifier" },
      { claimType: "tier", claimValue: "gold" },
    ]);
    const back = contentKeyPolicyFromArm({ name: "jwt", properties: contentKeyPolicyToArm(policy) });
    assert.deepEqual(back.options[0]!.restriction, {
      ...policy.options[0]!.restriction,
      alternateVerificationKeys: [{ type: "X509", rawBody: der }],
    });
  });

  it("refuses to render a play right field AMS has no place for", () => {
    const policy = parseContentKeyPolicy({
      name: "pr",
      options: [
        {
          name: "o",
          configuration: {
            type: "PlayReady",
            licenses: [{ playRight: { explicitAnalogVideoOutputProtection: "Allowed" } }],
          },
          restriction: { type: "Open" },
        },
      ],
    });
    rejects(() => contentKeyPolicyToArm(policy), "AMS_RENDER_UNSUPPORTED", /explicitAnalogVideoOutputProtection/);
  });
});
