/**
 * AMS v2 TokenRestrictionTemplate XML -> shared model. Fixtures are the public documents, byte for byte:
 * - fixtures/v2-swt-symmetric.xml: Microsoft Docs, "Dynamic encryption: Configure a content key authorization policy
 *   (legacy)" (media-services-rest-configure-content-key-auth-policy.md), "Create ContentKeyAuthorizationPolicyOptions"
 *   token-restriction request body (JSON-unescaped).
 * - fixtures/v2-jwt-symmetric.xml: Azure Media Services REST API reference, "ContentKeyAuthorizationPolicy"
 *   (ms.date 2016-07-14), token ContentKeyAuthorizationPolicyOption request body.
 * - fixtures/v2-jwt-x509.xml: Azure SDK for Java (azure-media), TokenRestrictionTemplateSerializerTests.KnownGoodInputForJWT.
 * - fixtures/v2-jwt-openid.xml: Azure SDK for PHP, TokenRestrictionTemplateSerializerTest (OpenIdConnectDiscoveryDocument input).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { parseTokenRestrictionTemplate } from "../../../../functions/policy/ams";
import { CONTENT_KEY_IDENTIFIER_CLAIM } from "../../../../functions/policy";
import { throwsKeyplaneError } from "../../../support/assert";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8").trim();

const rejects = throwsKeyplaneError;

describe("functions/policy/ams: v2 TokenRestrictionTemplate import", () => {
  it("reads the SWT template from the AMS docs (symmetric primary + alternate, contentkeyidentifier claim with i:nil)", () => {
    const r = parseTokenRestrictionTemplate(fixture("v2-swt-symmetric.xml"));
    assert.equal(r.type, "Token");
    assert.equal(r.tokenType, "Swt");
    assert.equal(r.issuer, "http://testacs.com/");
    assert.equal(r.audience, "urn:test");
    assert.deepEqual(r.primaryVerificationKey, {
      type: "Symmetric",
      keyValue: "E5BUHiN4vBdzUzdP0IWaHFMMU3D1uRZgF16TOhSfwwHGSw+Kbf0XqsHzEIYk11M372viB9vbiacsdcQksA0ftw==",
    });
    assert.deepEqual(r.alternateVerificationKeys, [
      {
        type: "Symmetric",
        keyValue: "BklyAFiPTQsuJNKriQJBZHYaKM2CkCTDQX2bw9sMYuvEC9sjW0W7GUIBygQL/+POEeUqCYPnmEU2g0o1GW2Oqg==",
      },
    ]);
    // ClaimValue i:nil="true" means "must be present, any value": no claimValue at all.
    assert.deepEqual(r.requiredClaims, [{ claimType: CONTENT_KEY_IDENTIFIER_CLAIM }]);
    assert.equal(r.openIdConnectDiscoveryDocument, undefined);
  });

  it("reads the JWT template from the AMS REST reference", () => {
    const r = parseTokenRestrictionTemplate(fixture("v2-jwt-symmetric.xml"));
    assert.equal(r.tokenType, "Jwt");
    assert.equal(r.primaryVerificationKey?.type, "Symmetric");
    assert.equal(r.alternateVerificationKeys.length, 1);
    assert.deepEqual(r.requiredClaims, [{ claimType: CONTENT_KEY_IDENTIFIER_CLAIM }]);
  });

  it("reads an X509CertTokenVerificationKey (JWT) whose RawBody is a real DER certificate", () => {
    const r = parseTokenRestrictionTemplate(fixture("v2-jwt-x509.xml"));
    assert.equal(r.tokenType, "Jwt");
    assert.equal(r.primaryVerificationKey?.type, "X509");
    assert.deepEqual(r.alternateVerificationKeys, []);
    assert.deepEqual(r.requiredClaims, []);
    const key = r.primaryVerificationKey;
    assert.ok(key && key.type === "X509");
    const cert = new X509Certificate(Buffer.from(key.rawBody, "base64"));
    assert.equal(cert.subject, "CN=CARoot");
  });

  it("reads an OpenID Connect discovery document instead of a primary key", () => {
    const r = parseTokenRestrictionTemplate(fixture("v2-jwt-openid.xml"));
    assert.equal(r.tokenType, "Jwt");
    assert.equal(r.primaryVerificationKey, undefined);
    assert.equal(r.openIdConnectDiscoveryDocument, "https://openconnectIddiscoveryUri");
  });

  it("treats a missing TokenType as SWT (AMS v2 SDK default)", () => {
    const xml = fixture("v2-swt-symmetric.xml").replace("<TokenType>SWT</TokenType>", "");
    assert.equal(parseTokenRestrictionTemplate(xml).tokenType, "Swt");
  });

  it("keeps a required claim value when one is given", () => {
    const xml = fixture("v2-swt-symmetric.xml").replace('<ClaimValue i:nil="true" />', "<ClaimValue>true</ClaimValue>");
    assert.deepEqual(parseTokenRestrictionTemplate(xml).requiredClaims, [
      { claimType: CONTENT_KEY_IDENTIFIER_CLAIM, claimValue: "true" },
    ]);
  });

  it("refuses a DTD / entity declaration (XXE, billion laughs)", () => {
    const xml =
      `<?xml version="1.0"?><!DOCTYPE TokenRestrictionTemplate [<!ENTITY x SYSTEM "file:///etc/passwd">]>` +
      fixture("v2-swt-symmetric.xml").replace("urn:test", "&x;");
    rejects(() => parseTokenRestrictionTemplate(xml), "AMS_XML_INVALID", /DTD/);
  });

  it("refuses oversize and malformed documents", () => {
    rejects(() => parseTokenRestrictionTemplate("<a>" + "x".repeat(70 * 1024) + "</a>"), "AMS_XML_INVALID", /larger/);
    rejects(
      () => parseTokenRestrictionTemplate(fixture("v2-swt-symmetric.xml").replace("</Audience>", "")),
      "AMS_XML_INVALID",
    );
  });

  it("refuses a document in another namespace", () => {
    rejects(
      () =>
        parseTokenRestrictionTemplate(
          fixture("v2-swt-symmetric.xml").replace("TokenRestrictionTemplate/v1", "TokenRestrictionTemplate/v9"),
        ),
      "AMS_XML_INVALID",
      /namespace/,
    );
  });

  it("refuses unknown elements and key types instead of dropping them", () => {
    const extra = fixture("v2-swt-symmetric.xml").replace("<TokenType>", "<IpRange>10.0.0.0/8</IpRange><TokenType>");
    rejects(() => parseTokenRestrictionTemplate(extra), "AMS_IMPORT_UNSUPPORTED", /IpRange/);
    const otherKey = fixture("v2-swt-symmetric.xml").replace(
      'PrimaryVerificationKey i:type="SymmetricVerificationKey"',
      'PrimaryVerificationKey i:type="MagicKey"',
    );
    rejects(() => parseTokenRestrictionTemplate(otherKey), "AMS_IMPORT_UNSUPPORTED", /MagicKey/);
  });

  it("refuses what the model refuses: SWT with an X.509 key, short symmetric keys, no key at all", () => {
    const swtX509 = fixture("v2-jwt-x509.xml").replace("<TokenType>JWT</TokenType>", "<TokenType>SWT</TokenType>");
    rejects(
      () => parseTokenRestrictionTemplate(swtX509),
      "AMS_IMPORT_INVALID",
      /SWT tokens are verified with symmetric keys only/,
    );
    // 'FakeTestKey' is the 8-byte key of the Azure SDK for Java KnownGoodInputForSWT fixture: too short for HS256.
    const shortKey = fixture("v2-swt-symmetric.xml").replace(
      /<KeyValue>E5BU[^<]+<\/KeyValue>/,
      "<KeyValue>FakeTestKey</KeyValue>",
    );
    rejects(() => parseTokenRestrictionTemplate(shortKey), "AMS_IMPORT_INVALID", /primaryVerificationKey/);
    const noKey = fixture("v2-jwt-x509.xml").replace(
      /<PrimaryVerificationKey[\s\S]*<\/PrimaryVerificationKey>/,
      '<PrimaryVerificationKey i:nil="true" />',
    );
    rejects(
      () => parseTokenRestrictionTemplate(noKey),
      "AMS_IMPORT_INVALID",
      /primaryVerificationKey or an openIdConnectDiscoveryDocument/,
    );
  });

  it("reads an RsaTokenVerificationKey whose RawBody is an RSAKeyValue document", () => {
    const modulus = Buffer.alloc(256, 0xab).toString("base64");
    const raw = Buffer.from(
      `<RSAKeyValue><Modulus>${modulus}</Modulus><Exponent>AQAB</Exponent></RSAKeyValue>`,
    ).toString("base64");
    const xml = fixture("v2-jwt-x509.xml").replace(
      /<PrimaryVerificationKey[\s\S]*<\/PrimaryVerificationKey>/,
      `<PrimaryVerificationKey i:type="RsaTokenVerificationKey"><RawBody>${raw}</RawBody></PrimaryVerificationKey>`,
    );
    assert.deepEqual(parseTokenRestrictionTemplate(xml).primaryVerificationKey, {
      type: "Rsa",
      modulus,
      exponent: "AQAB",
    });
  });
});
