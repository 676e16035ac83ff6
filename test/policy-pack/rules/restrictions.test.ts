import assert from "node:assert/strict";
import { noOpenRestriction, ruleConfigFor, tokenIssuerAudience, tokenKeyStrength, tokenLifetimeBounded, type RuleDefinition, type ResourceUnderReview } from "../../../policy-pack/rules";
import { AMS_OPEN_RESTRICTION, AMS_TOKEN_RESTRICTION, amsPolicy, keyDeliveryFunction, MODEL_TOKEN_RESTRICTION, playReadyOption, RFC7517_RSA_N } from "./fixtures";

function run(rule: RuleDefinition, r: ResourceUnderReview, overrides = {}) {
  return rule.check(r, ruleConfigFor(rule, {}, overrides).config);
}
const clearKey = (restriction: unknown) => ({ name: "ck", configuration: { odataType: "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration" }, restriction });

describe("policy-pack/rules/restrictions", () => {
  describe("keyplane-no-open-restriction", () => {
    it("passes a token-restricted AMS policy", () => {
      assert.deepEqual(run(noOpenRestriction, amsPolicy([clearKey(AMS_TOKEN_RESTRICTION)])), []);
    });
    it("fails an open AMS restriction in prod, naming the option", () => {
      const v = run(noOpenRestriction, amsPolicy([clearKey(AMS_OPEN_RESTRICTION)]));
      assert.equal(v.length, 1);
      assert.equal(v[0]?.rule, "keyplane-no-open-restriction");
      assert.match(v[0]?.message ?? "", /"ck".*open restriction.*"prod"/);
      assert.equal(v[0]?.path, "options[0].restriction");
    });
    it("tolerates open restrictions in dev (from the URN stack name) but not when the environment is overridden", () => {
      assert.deepEqual(run(noOpenRestriction, amsPolicy([clearKey(AMS_OPEN_RESTRICTION)], "dev")), []);
      assert.equal(run(noOpenRestriction, amsPolicy([clearKey(AMS_OPEN_RESTRICTION)], "dev"), { environment: "staging" }).length, 1);
    });
    it("finds an open restriction in a Keyplane policy embedded in a function environment", () => {
      const fn = keyDeliveryFunction({ name: "p", options: [{ name: "ck", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }] });
      const v = run(noOpenRestriction, fn);
      assert.equal(v.length, 1);
      assert.match(v[0]?.path ?? "", /^environment\.variables\.KEYPLANE_POLICY/);
    });
  });

  describe("keyplane-token-issuer-audience", () => {
    it("passes a complete token restriction", () => {
      assert.deepEqual(run(tokenIssuerAudience, amsPolicy([clearKey(AMS_TOKEN_RESTRICTION)])), []);
    });
    it("fails empty issuer, missing audience and a missing key", () => {
      const bad = { ...AMS_TOKEN_RESTRICTION, issuer: " ", audience: undefined, primaryVerificationKey: undefined };
      const v = run(tokenIssuerAudience, amsPolicy([clearKey(bad)]));
      assert.deepEqual(v.map((x) => x.path).sort(), ["options[0].restriction", "options[0].restriction.audience", "options[0].restriction.issuer"]);
    });
    it("fails an unknown token type", () => {
      const v = run(tokenIssuerAudience, amsPolicy([clearKey({ ...AMS_TOKEN_RESTRICTION, restrictionTokenType: "Saml" })]));
      assert.equal(v.length, 1);
      assert.match(v[0]?.message ?? "", /Jwt or Swt/);
    });
  });

  describe("keyplane-token-lifetime-bounded", () => {
    const fnWith = (life: unknown) => keyDeliveryFunction({ name: "p", options: [{ name: "o", configuration: { type: "ClearKey" }, restriction: { ...MODEL_TOKEN_RESTRICTION, maxTokenLifetimeSeconds: life } }] });
    it("passes a 1 h bound", () => assert.deepEqual(run(tokenLifetimeBounded, fnWith(3600)), []));
    it("fails a 30-day bound against the 24 h default and a non-integer", () => {
      assert.equal(run(tokenLifetimeBounded, fnWith(30 * 86400)).length, 1);
      assert.equal(run(tokenLifetimeBounded, fnWith("forever")).length, 1);
    });
    it("honours a configured maximum", () => assert.equal(run(tokenLifetimeBounded, fnWith(3600), { maxTokenLifetimeSeconds: 600 }).length, 1));
  });

  describe("keyplane-token-key-strength", () => {
    it("passes the RFC 7515 A.1 HS256 key and the RFC 7517 A.1 2048-bit RSA modulus", () => {
      const rsa = { ...AMS_TOKEN_RESTRICTION, alternateVerificationKeys: [{ odataType: "#Microsoft.Media.ContentKeyPolicyRsaTokenKey", exponent: "AQAB", modulus: RFC7517_RSA_N }] };
      assert.deepEqual(run(tokenKeyStrength, amsPolicy([playReadyOption({}, rsa)])), []);
    });
    it("fails a 16-byte symmetric key and a 1024-bit RSA modulus", () => {
      const short = Buffer.alloc(16, 7).toString("base64");
      const rsa1024 = Buffer.concat([Buffer.from([0xc0]), Buffer.alloc(127, 1)]).toString("base64");
      const bad = {
        ...AMS_TOKEN_RESTRICTION,
        primaryVerificationKey: { odataType: "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey", keyValue: short },
        alternateVerificationKeys: [{ odataType: "#Microsoft.Media.ContentKeyPolicyRsaTokenKey", exponent: "AQAB", modulus: rsa1024 }],
      };
      const v = run(tokenKeyStrength, amsPolicy([clearKey(bad)]));
      assert.equal(v.length, 2);
      assert.match(v[0]?.message ?? "", /16 bytes/);
      assert.match(v[1]?.message ?? "", /1024 bits/);
    });
  });
});
