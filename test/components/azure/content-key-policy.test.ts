/**
 * AmsContentKeyPolicy under Pulumi mocks: every option kind and key kind renders with the discriminator strings of
 * the AMS ARM model (as declared by @pulumi/azure-native 2.92.3 types/input.d.ts, namespace media, and the AMS
 * REST reference "Content Key Policies - Create Or Update"), and secrets arrive as secrets.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AmsContentKeyPolicy } from "../../../components/azure";
import type { ContentKeyPolicyInput } from "../../../functions/policy";
import { isKeyplaneError } from "../../../functions/errors";
import {
  installMocks,
  isSecretValue,
  promiseOf,
  recordOptions,
  recorded,
  resourcesOfType,
  reveal,
} from "../../support/azure-mocks";

const symmetric = Buffer.alloc(32, 9).toString("base64");
const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
const modulus = Buffer.from(jwk.n, "base64url").toString("base64");
const exponent = Buffer.from(jwk.e, "base64url").toString("base64");
// A public DER certificate (Azure SDK for Java TokenRestrictionTemplateSerializerTests fixture), reused as X.509 key.
const certDer = readFileSync(join(__dirname, "../../functions/policy/ams/fixtures/v2-jwt-x509.xml"), "utf8").match(
  /<RawBody>([^<]+)<\/RawBody>/,
)![1]!;
const ask = "00112233445566778899aabbccddeeff";

const everything: ContentKeyPolicyInput = {
  name: "everything",
  description: "all option kinds",
  options: [
    { name: "clearkey-open", configuration: { type: "ClearKey" }, restriction: { type: "Open" } },
    {
      name: "playready-swt",
      configuration: {
        type: "PlayReady",
        responseCustomData: "custom",
        licenses: [
          {
            allowTestDevices: true,
            securityLevel: "SL3000",
            licenseType: "Persistent",
            contentType: "UltraVioletStreaming",
            beginDate: "2024-01-01T00:00:00Z",
            expirationDate: "2025-01-01T00:00:00Z",
            relativeBeginDate: "PT1H",
            relativeExpirationDate: "P7D",
            gracePeriod: "PT5M",
            contentKeyLocation: { type: "FromKeyIdentifier", keyId: "8ba94ade-6eb9-449d-b44f-a5beefaf43b0" },
            playRight: {
              firstPlayExpiration: "PT48H",
              scmsRestriction: 1,
              agcAndColorStripeRestriction: 2,
              digitalVideoOnlyContentRestriction: true,
              allowPassingVideoContentToUnknownOutput: "AllowedWithVideoConstriction",
              uncompressedDigitalVideoOpl: 300,
              compressedDigitalVideoOpl: 400,
              analogVideoOpl: 150,
              compressedDigitalAudioOpl: 250,
              uncompressedDigitalAudioOpl: 300,
            },
          },
          { contentKeyLocation: { type: "FromHeader" } },
        ],
      },
      restriction: {
        type: "Token",
        issuer: "urn:issuer",
        audience: "urn:aud",
        tokenType: "Swt",
        primaryVerificationKey: { type: "Symmetric", keyValue: symmetric },
        requiredClaims: [{ claimType: "urn:microsoft:azure:mediaservices:contentkeyidentifier" }],
      },
    },
    {
      name: "widevine-jwt",
      configuration: {
        type: "Widevine",
        template: {
          allowed_track_types: "SD_HD",
          content_key_specs: [{ track_type: "SD", security_level: 1 }],
          policy_overrides: { can_play: true, license_duration_seconds: 3600 },
        },
      },
      restriction: {
        type: "Token",
        issuer: "https://issuer.example",
        audience: "urn:aud",
        tokenType: "Jwt",
        primaryVerificationKey: { type: "Rsa", modulus, exponent },
        alternateVerificationKeys: [
          { type: "X509", rawBody: certDer },
          { type: "Symmetric", keyValue: symmetric },
        ],
        requiredClaims: [{ claimType: "tier", claimValue: "gold" }],
      },
    },
    {
      name: "fairplay-oidc",
      configuration: {
        type: "FairPlay",
        ask,
        fairPlayPfx: Buffer.from("pfx-bytes").toString("base64"),
        fairPlayPfxPassword: "pfx-password",
        rentalAndLeaseKeyType: "DualExpiry",
        rentalDuration: 86400,
        offlineRentalConfiguration: { playbackDurationSeconds: 7200, storageDurationSeconds: 86400 },
      },
      restriction: {
        type: "Token",
        issuer: "https://login.example",
        audience: "aud",
        tokenType: "Jwt",
        openIdConnectDiscoveryDocument: "https://login.example/.well-known/openid-configuration",
      },
    },
  ],
};

describe("components/azure: AmsContentKeyPolicy (mocks)", function () {
  this.timeout(20000);
  before(installMocks);

  it("renders every configuration, restriction, key and content-key-location kind with the exact odataType strings", async () => {
    const c = new AmsContentKeyPolicy(
      "ckp",
      { resourceGroupName: "rg", accountName: "acct", policy: everything },
      { transformations: [recordOptions] },
    );
    await promiseOf(c.resource.urn);
    assert.equal(await promiseOf(c.policyName), "everything");
    assert.equal(await promiseOf(c.policyId), "11111111-2222-3333-4444-555555555555");
    const [res] = resourcesOfType("azure-native:media:ContentKeyPolicy");
    assert.ok(res);
    assert.equal(res.inputs.contentKeyPolicyName, "everything");
    assert.equal(res.inputs.description, "all option kinds");
    const options = reveal(res.inputs.options) as Array<Record<string, any>>;
    assert.deepEqual(
      options.map((o) => [o.name, o.configuration.odataType, o.restriction.odataType]),
      [
        [
          "clearkey-open",
          "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration",
          "#Microsoft.Media.ContentKeyPolicyOpenRestriction",
        ],
        [
          "playready-swt",
          "#Microsoft.Media.ContentKeyPolicyPlayReadyConfiguration",
          "#Microsoft.Media.ContentKeyPolicyTokenRestriction",
        ],
        [
          "widevine-jwt",
          "#Microsoft.Media.ContentKeyPolicyWidevineConfiguration",
          "#Microsoft.Media.ContentKeyPolicyTokenRestriction",
        ],
        [
          "fairplay-oidc",
          "#Microsoft.Media.ContentKeyPolicyFairPlayConfiguration",
          "#Microsoft.Media.ContentKeyPolicyTokenRestriction",
        ],
      ],
    );
    // No REST-form discriminators leak into Pulumi inputs.
    assert.ok(!JSON.stringify(options).includes("@odata.type"));

    const pr = options[1]!;
    assert.equal(pr.configuration.responseCustomData, "custom");
    assert.deepEqual(pr.configuration.licenses[0], {
      allowTestDevices: true,
      securityLevel: "SL3000",
      licenseType: "Persistent",
      contentType: "UltraVioletStreaming",
      contentKeyLocation: {
        odataType: "#Microsoft.Media.ContentKeyPolicyPlayReadyContentEncryptionKeyFromKeyIdentifier",
        keyId: "8ba94ade-6eb9-449d-b44f-a5beefaf43b0",
      },
      beginDate: "2024-01-01T00:00:00Z",
      expirationDate: "2025-01-01T00:00:00Z",
      relativeBeginDate: "PT1H",
      relativeExpirationDate: "P7D",
      gracePeriod: "PT5M",
      playRight: {
        firstPlayExpiration: "PT48H",
        scmsRestriction: 1,
        agcAndColorStripeRestriction: 2,
        digitalVideoOnlyContentRestriction: true,
        imageConstraintForAnalogComponentVideoRestriction: false,
        imageConstraintForAnalogComputerMonitorRestriction: false,
        allowPassingVideoContentToUnknownOutput: "AllowedWithVideoConstriction",
        uncompressedDigitalVideoOpl: 300,
        compressedDigitalVideoOpl: 400,
        analogVideoOpl: 150,
        compressedDigitalAudioOpl: 250,
        uncompressedDigitalAudioOpl: 300,
      },
    });
    assert.deepEqual(pr.configuration.licenses[1], {
      allowTestDevices: false,
      securityLevel: "SL2000",
      licenseType: "NonPersistent",
      contentType: "Unspecified",
      contentKeyLocation: { odataType: "#Microsoft.Media.ContentKeyPolicyPlayReadyContentEncryptionKeyFromHeader" },
    });
    assert.deepEqual(pr.restriction, {
      odataType: "#Microsoft.Media.ContentKeyPolicyTokenRestriction",
      issuer: "urn:issuer",
      audience: "urn:aud",
      restrictionTokenType: "Swt",
      primaryVerificationKey: { odataType: "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey", keyValue: symmetric },
      requiredClaims: [{ claimType: "urn:microsoft:azure:mediaservices:contentkeyidentifier" }],
    });

    const wv = options[2]!;
    assert.equal(typeof wv.configuration.widevineTemplate, "string");
    assert.deepEqual(JSON.parse(wv.configuration.widevineTemplate), {
      allowed_track_types: "SD_HD",
      content_key_specs: [{ track_type: "SD", security_level: 1 }],
      policy_overrides: { can_play: true, license_duration_seconds: 3600 },
    });
    assert.deepEqual(wv.restriction.primaryVerificationKey, {
      odataType: "#Microsoft.Media.ContentKeyPolicyRsaTokenKey",
      modulus,
      exponent,
    });
    assert.deepEqual(wv.restriction.alternateVerificationKeys, [
      { odataType: "#Microsoft.Media.ContentKeyPolicyX509CertificateTokenKey", rawBody: certDer },
      { odataType: "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey", keyValue: symmetric },
    ]);
    assert.equal(wv.restriction.restrictionTokenType, "Jwt");

    const fp = options[3]!;
    assert.deepEqual(fp.configuration, {
      odataType: "#Microsoft.Media.ContentKeyPolicyFairPlayConfiguration",
      ask: Buffer.from(ask, "hex").toString("base64"),
      fairPlayPfx: Buffer.from("pfx-bytes").toString("base64"),
      fairPlayPfxPassword: "pfx-password",
      rentalAndLeaseKeyType: "DualExpiry",
      rentalDuration: 86400,
      offlineRentalConfiguration: { playbackDurationSeconds: 7200, storageDurationSeconds: 86400 },
    });
    assert.equal(
      fp.restriction.openIdConnectDiscoveryDocument,
      "https://login.example/.well-known/openid-configuration",
    );
    assert.equal(fp.restriction.primaryVerificationKey, undefined);
  });

  it("sends secrets as secrets and lists options in additionalSecretOutputs", async () => {
    assert.ok(
      isSecretValue(resourcesOfType("azure-native:media:ContentKeyPolicy")[0]!.inputs.options),
      "options carrying ASK/PFX/password/symmetric keys must be a secret input",
    );
    const o = recorded.opts.find((x) => x.type === "azure-native:media:ContentKeyPolicy");
    assert.deepEqual(o?.opts.additionalSecretOutputs, ["options"]);
  });

  it("leaves a policy without secrets readable (open ClearKey, RSA-only JWT)", async () => {
    const c = new AmsContentKeyPolicy(
      "plain",
      {
        resourceGroupName: "rg",
        accountName: "acct",
        policy: {
          name: "plain",
          options: [
            {
              name: "o",
              configuration: { type: "ClearKey" },
              restriction: {
                type: "Token",
                issuer: "i",
                audience: "a",
                tokenType: "Jwt",
                primaryVerificationKey: { type: "Rsa", modulus, exponent },
              },
            },
          ],
        },
      },
      { transformations: [recordOptions] },
    );
    await promiseOf(c.resource.urn);
    const res = resourcesOfType("azure-native:media:ContentKeyPolicy").find(
      (r) => r.inputs.contentKeyPolicyName === "plain",
    );
    assert.ok(res && !isSecretValue(res.inputs.options));
    assert.equal(
      recorded.opts.find((x) => x.name === "plain" && x.type === "azure-native:media:ContentKeyPolicy")?.opts
        .additionalSecretOutputs,
      undefined,
    );
  });

  it("accepts the policy as an Output (from secret config) and keeps the whole options secret", async () => {
    const policy = pulumi.secret({
      name: "fromconfig",
      options: [
        {
          name: "fp",
          configuration: { type: "FairPlay", ask, fairPlayPfx: "UEZY", fairPlayPfxPassword: "pw" },
          restriction: { type: "Open" },
        },
      ],
    } as ContentKeyPolicyInput);
    const c = new AmsContentKeyPolicy("fromconfig", { resourceGroupName: "rg", accountName: "acct", policy });
    await promiseOf(c.resource.urn);
    const res = resourcesOfType("azure-native:media:ContentKeyPolicy").find(
      (r) => reveal(r.inputs.contentKeyPolicyName) === "fromconfig",
    );
    assert.ok(res);
    assert.ok(isSecretValue(res.inputs.options));
    const opts = reveal(res.inputs.options) as Array<Record<string, any>>;
    assert.equal(opts[0]!.configuration.odataType, "#Microsoft.Media.ContentKeyPolicyFairPlayConfiguration");
  });

  it("refuses invalid policies with the model's error before registering anything", () => {
    const before = recorded.resources.length;
    assert.throws(
      () =>
        new AmsContentKeyPolicy("bad", {
          resourceGroupName: "rg",
          accountName: "acct",
          policy: {
            name: "bad",
            options: [
              {
                name: "o",
                configuration: { type: "ClearKey" },
                restriction: {
                  type: "Token",
                  issuer: "i",
                  audience: "a",
                  tokenType: "Swt",
                  primaryVerificationKey: { type: "Rsa", modulus, exponent },
                },
              },
            ],
          },
        }),
      (e: unknown) =>
        isKeyplaneError(e) &&
        e.code === "POLICY_INVALID" &&
        /SWT tokens are verified with symmetric keys only/.test(e.message),
    );
    assert.throws(
      () =>
        new AmsContentKeyPolicy("bad2", {
          resourceGroupName: "rg",
          accountName: "acct",
          policy: {
            name: "bad2",
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
          },
        }),
      (e: unknown) => isKeyplaneError(e) && e.code === "AMS_RENDER_UNSUPPORTED",
    );
    assert.equal(recorded.resources.length, before);
  });
});
