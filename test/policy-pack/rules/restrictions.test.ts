import assert from "node:assert/strict";
import {
  noOpenRestriction,
  tokenIssuerAudience,
  tokenKeyStrength,
  tokenLifetimeBounded,
} from "../../../policy-pack/rules";
import {
  AMS_OPEN_RESTRICTION,
  AMS_TOKEN_RESTRICTION,
  amsPolicy,
  assertFindings,
  keyDeliveryFunction,
  MODEL_TOKEN_RESTRICTION,
  playReadyOption,
  RFC7517_RSA_N,
  run,
} from "../../support/policy-rules";

const clearKey = (restriction: unknown) => ({
  name: "ck",
  configuration: { odataType: "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration" },
  restriction,
});

describe("policy-pack/rules/restrictions", () => {
  describe("keyplane-no-open-restriction", () => {
    it("passes a token-restricted AMS policy", () => {
      assert.deepEqual(run(noOpenRestriction, amsPolicy([clearKey(AMS_TOKEN_RESTRICTION)])), []);
    });
    it("fails an open AMS restriction in prod, naming the option", () => {
      const v = run(noOpenRestriction, amsPolicy([clearKey(AMS_OPEN_RESTRICTION)]));
      assertFindings(v, [
        [
          "keyplane-no-open-restriction",
          'option "ck" uses an open restriction (anyone can fetch the key) in environment "prod"; use a token restriction',
          "options[0].restriction",
        ],
      ]);
    });
    it("tolerates open restrictions in dev (from the URN stack name) but not when the environment is overridden", () => {
      assert.deepEqual(run(noOpenRestriction, amsPolicy([clearKey(AMS_OPEN_RESTRICTION)], "dev")), []);
      assertFindings(
        run(noOpenRestriction, amsPolicy([clearKey(AMS_OPEN_RESTRICTION)], "dev"), { environment: "staging" }),
        [
          [
            "keyplane-no-open-restriction",
            'option "ck" uses an open restriction (anyone can fetch the key) in environment "staging"; use a token restriction',
            "options[0].restriction",
          ],
        ],
      );
    });
    it("finds an open restriction in a Keyplane policy embedded in a function environment", () => {
      const fn = keyDeliveryFunction({
        name: "p",
        options: [{ name: "ck", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }],
      });
      const v = run(noOpenRestriction, fn);
      assertFindings(v, [
        [
          "keyplane-no-open-restriction",
          'option "ck" uses an open restriction (anyone can fetch the key) in environment "prod"; use a token restriction',
          "environment.variables.KEYPLANE_POLICY.options[0].restriction",
        ],
      ]);
    });
  });

  describe("keyplane-token-issuer-audience", () => {
    it("passes a complete token restriction", () => {
      assert.deepEqual(run(tokenIssuerAudience, amsPolicy([clearKey(AMS_TOKEN_RESTRICTION)])), []);
    });
    it("fails empty issuer, missing audience and a missing key", () => {
      const bad = { ...AMS_TOKEN_RESTRICTION, issuer: " ", audience: undefined, primaryVerificationKey: undefined };
      const v = run(tokenIssuerAudience, amsPolicy([clearKey(bad)]));
      assertFindings(v, [
        [
          "keyplane-token-issuer-audience",
          'token restriction of option "ck" has no issuer',
          "options[0].restriction.issuer",
        ],
        [
          "keyplane-token-issuer-audience",
          'token restriction of option "ck" has no audience',
          "options[0].restriction.audience",
        ],
        [
          "keyplane-token-issuer-audience",
          'token restriction of option "ck" has no verification key and no OpenID Connect discovery document',
          "options[0].restriction",
        ],
      ]);
    });
    it("fails an unknown token type", () => {
      const v = run(
        tokenIssuerAudience,
        amsPolicy([clearKey({ ...AMS_TOKEN_RESTRICTION, restrictionTokenType: "Saml" })]),
      );
      assertFindings(v, [
        [
          "keyplane-token-issuer-audience",
          'token restriction of option "ck" must set the token type to Jwt or Swt',
          "options[0].restriction.tokenType",
        ],
      ]);
    });
  });

  describe("keyplane-token-lifetime-bounded", () => {
    const fnWith = (life: unknown) =>
      keyDeliveryFunction({
        name: "p",
        options: [
          {
            name: "o",
            configuration: { type: "ClearKey" },
            restriction: { ...MODEL_TOKEN_RESTRICTION, maxTokenLifetimeSeconds: life },
          },
        ],
      });
    it("passes a 1 h bound", () => assert.deepEqual(run(tokenLifetimeBounded, fnWith(3600)), []));
    it("fails a 30-day bound against the 24 h default and a non-integer", () => {
      assertFindings(run(tokenLifetimeBounded, fnWith(30 * 86400)), [
        [
          "keyplane-token-lifetime-bounded",
          'token restriction of option "o" allows tokens living 2592000 s; the maximum is 86400 s',
          "environment.variables.KEYPLANE_POLICY.options[0].restriction.maxTokenLifetimeSeconds",
        ],
      ]);
      assertFindings(run(tokenLifetimeBounded, fnWith("forever")), [
        [
          "keyplane-token-lifetime-bounded",
          'token restriction of option "o" allows tokens living forever s; the maximum is 86400 s',
          "environment.variables.KEYPLANE_POLICY.options[0].restriction.maxTokenLifetimeSeconds",
        ],
      ]);
    });
    it("honours a configured maximum", () =>
      assertFindings(run(tokenLifetimeBounded, fnWith(3600), { maxTokenLifetimeSeconds: 600 }), [
        [
          "keyplane-token-lifetime-bounded",
          'token restriction of option "o" allows tokens living 3600 s; the maximum is 600 s',
          "environment.variables.KEYPLANE_POLICY.options[0].restriction.maxTokenLifetimeSeconds",
        ],
      ]));
  });

  describe("keyplane-token-key-strength", () => {
    it("passes the RFC 7515 A.1 HS256 key and the RFC 7517 A.1 2048-bit RSA modulus", () => {
      const rsa = {
        ...AMS_TOKEN_RESTRICTION,
        alternateVerificationKeys: [
          { odataType: "#Microsoft.Media.ContentKeyPolicyRsaTokenKey", exponent: "AQAB", modulus: RFC7517_RSA_N },
        ],
      };
      assert.deepEqual(run(tokenKeyStrength, amsPolicy([playReadyOption({}, rsa)])), []);
    });
    it("fails a 16-byte symmetric key and a 1024-bit RSA modulus", () => {
      const short = Buffer.alloc(16, 7).toString("base64");
      const rsa1024 = Buffer.concat([Buffer.from([0xc0]), Buffer.alloc(127, 1)]).toString("base64");
      const bad = {
        ...AMS_TOKEN_RESTRICTION,
        primaryVerificationKey: { odataType: "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey", keyValue: short },
        alternateVerificationKeys: [
          { odataType: "#Microsoft.Media.ContentKeyPolicyRsaTokenKey", exponent: "AQAB", modulus: rsa1024 },
        ],
      };
      const v = run(tokenKeyStrength, amsPolicy([clearKey(bad)]));
      assertFindings(v, [
        [
          "keyplane-token-key-strength",
          'symmetric token key of option "ck" is 16 bytes; at least 32 are required',
          "options[0].restriction.primaryVerificationKey",
        ],
        [
          "keyplane-token-key-strength",
          'RSA token key of option "ck" is 1024 bits; at least 2048 are required',
          "options[0].restriction.alternateVerificationKeys[0]",
        ],
      ]);
    });
  });
});
