/**
 * Helpers for the policy rule tests: `run` (one rule, as the pack and the review run it), `assertFindings` (which rule
 * said what), and resource shapes for the rule tests, written from the provider schemas (node_modules/@pulumi/azure-native media
 * ContentKeyPolicy, @pulumi/aws-native mediapackagev2/mediapackage OriginEndpoint, @pulumi/aws inputs) and the Azure Media
 * Services REST samples ("Content Key Policies - Create Or Update": `#Microsoft.Media.ContentKeyPolicy...` odata types).
 */
import assert from "node:assert/strict";
import {
  ruleConfigFor,
  runRule,
  type ResourceUnderReview,
  type RuleConfig,
  type RuleDefinition,
  type Violation,
} from "../../policy-pack/rules";

/** Run one rule with its default configuration plus overrides (as the pack and the review do), findings named by the runner. */
export function run(rule: RuleDefinition, r: ResourceUnderReview, overrides: Partial<RuleConfig> = {}): Violation[] {
  return runRule(rule, r, ruleConfigFor(rule, {}, overrides).config);
}

/** One expected finding: the rule name, its message (a RegExp to match, or the exact text) and, when given, its path. */
export type ExpectedFinding = readonly [rule: string, message: RegExp | string, path?: string];

/** Asserts the findings are exactly `expected`, in order: rule name, message and (when given) path of each. */
export function assertFindings(findings: readonly Violation[], expected: readonly ExpectedFinding[]): void {
  const shown = () =>
    JSON.stringify(
      findings.map((f) => [f.rule, f.message, f.path]),
      null,
      1,
    );
  assert.equal(findings.length, expected.length, `expected ${expected.length} finding(s), got ${shown()}`);
  expected.forEach(([rule, message, path], i) => {
    const f = findings[i]!;
    assert.equal(f.rule, rule, `finding ${i}: ${shown()}`);
    if (typeof message === "string") assert.equal(f.message, message, `finding ${i}`);
    else assert.match(f.message, message, `finding ${i}`);
    if (path !== undefined) assert.equal(f.path, path, `finding ${i}`);
  });
}

export function res(type: string, props: Record<string, unknown>, name = "r", stack = "prod"): ResourceUnderReview {
  return { type, name, urn: `urn:pulumi:${stack}::keyplane::${type}::${name}`, props };
}

/** RFC 7515 Appendix A.1 HMAC SHA-256 key (64 bytes), converted from base64url to base64. */
export const RFC7515_HS256_KEY = Buffer.from(
  "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
  "base64url",
).toString("base64");
/** RFC 7517 Appendix A.1 RSA public key modulus (2048 bits), as base64. */
export const RFC7517_RSA_N = Buffer.from(
  "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
  "base64url",
).toString("base64");

export const AMS_TOKEN_RESTRICTION = {
  odataType: "#Microsoft.Media.ContentKeyPolicyTokenRestriction",
  issuer: "https://sts.example.com",
  audience: "urn:keyplane:player",
  restrictionTokenType: "Jwt",
  primaryVerificationKey: {
    odataType: "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey",
    keyValue: RFC7515_HS256_KEY,
  },
  requiredClaims: [{ claimType: "urn:microsoft:azure:mediaservices:contentkeyidentifier" }],
};
export const AMS_OPEN_RESTRICTION = { odataType: "#Microsoft.Media.ContentKeyPolicyOpenRestriction" };

export function amsPolicy(options: Record<string, unknown>[], stack = "prod"): ResourceUnderReview {
  return res(
    "azure-native:media:ContentKeyPolicy",
    { accountName: "ams", resourceGroupName: "rg", options },
    "ckp",
    stack,
  );
}

export function playReadyOption(
  license: Record<string, unknown>,
  restriction: Record<string, unknown> = AMS_TOKEN_RESTRICTION,
) {
  return {
    name: "playready",
    configuration: {
      odataType: "#Microsoft.Media.ContentKeyPolicyPlayReadyConfiguration",
      licenses: [
        {
          allowTestDevices: false,
          securityLevel: "SL2000",
          licenseType: "NonPersistent",
          contentType: "Unspecified",
          contentKeyLocation: { odataType: "#Microsoft.Media.ContentKeyPolicyPlayReadyContentEncryptionKeyFromHeader" },
          ...license,
        },
      ],
    },
    restriction,
  };
}

export function widevineOption(template: unknown) {
  return {
    name: "widevine",
    configuration: {
      odataType: "#Microsoft.Media.ContentKeyPolicyWidevineConfiguration",
      widevineTemplate: typeof template === "string" ? template : JSON.stringify(template),
    },
    restriction: AMS_TOKEN_RESTRICTION,
  };
}

/** A Keyplane-model policy (functions/policy/model.ts) as a key delivery function receives it in its environment. */
export function keyDeliveryFunction(
  policy: unknown,
  extraEnv: Record<string, string> = {},
  stack = "prod",
): ResourceUnderReview {
  return res(
    "aws:lambda/function:Function",
    { runtime: "nodejs22.x", environment: { variables: { KEYPLANE_POLICY: JSON.stringify(policy), ...extraEnv } } },
    "key-delivery-fn",
    stack,
  );
}

export const MODEL_TOKEN_RESTRICTION = {
  type: "Token",
  issuer: "https://sts.example.com",
  audience: "urn:keyplane:player",
  tokenType: "Jwt",
  primaryVerificationKey: { type: "Symmetric", keyValue: RFC7515_HS256_KEY },
  maxTokenLifetimeSeconds: 3600,
};
