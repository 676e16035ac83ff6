/**
 * AMS v2 `TokenRestrictionTemplate` XML (the `Requirements` string of a v2 ContentKeyAuthorizationPolicyOption
 * restriction) -> the shared model's `TokenRestriction`. Unknown elements are refused rather than dropped: a
 * restriction that silently loses a claim or a key would deliver keys more freely than the original did.
 */
import type { Element } from "@xmldom/xmldom";
import { KeyplaneError } from "../../errors";
import { tokenRestrictionSchema, type RequiredClaim, type TokenRestriction, type VerificationKey } from "../model";
import { formatIssues } from "../../validation";
import { amsXmlError, childElements, firstChild, isNil, parseAmsXml, textOf, xsiType } from "./xml";

export const TOKEN_RESTRICTION_TEMPLATE_NS =
  "http://schemas.microsoft.com/Azure/MediaServices/KeyDelivery/TokenRestrictionTemplate/v1";

const KNOWN = new Set([
  "AlternateVerificationKeys",
  "Audience",
  "Issuer",
  "PrimaryVerificationKey",
  "RequiredClaims",
  "TokenType",
  "OpenIdConnectDiscoveryDocument",
]);

/** Parses a v2 TokenRestrictionTemplate document into a validated `TokenRestriction`. */
export function parseTokenRestrictionTemplate(xml: string): TokenRestriction {
  const root = parseAmsXml(xml).documentElement!;
  if (root.localName !== "TokenRestrictionTemplate" || root.namespaceURI !== TOKEN_RESTRICTION_TEMPLATE_NS) {
    throw amsXmlError(`expected a TokenRestrictionTemplate element in namespace ${TOKEN_RESTRICTION_TEMPLATE_NS}`);
  }
  for (const el of childElements(root)) {
    if (!KNOWN.has(el.localName ?? "")) throw unsupported(`TokenRestrictionTemplate/${el.localName}`);
  }
  const text = (name: string): string | undefined => {
    const el = firstChild(root, name);
    return el && !isNil(el) ? textOf(el) : undefined;
  };

  const tokenTypeText = text("TokenType") ?? "SWT"; // absent TokenType means SWT (AMS v2 SDK default)
  const tokenType = tokenTypeText === "SWT" ? "Swt" : tokenTypeText === "JWT" ? "Jwt" : undefined;
  if (!tokenType) throw amsXmlError(`TokenType must be SWT or JWT, got "${tokenTypeText.slice(0, 20)}"`);

  const primaryEl = firstChild(root, "PrimaryVerificationKey");
  const primaryVerificationKey =
    primaryEl && !isNil(primaryEl) ? readKey(primaryEl, "PrimaryVerificationKey") : undefined;
  const altEl = firstChild(root, "AlternateVerificationKeys");
  const alternateVerificationKeys = altEl
    ? childElements(altEl).map((k, i) => {
        if (k.localName !== "TokenVerificationKey") throw unsupported(`AlternateVerificationKeys/${k.localName}`);
        return readKey(k, `AlternateVerificationKeys[${i}]`);
      })
    : [];

  const claimsEl = firstChild(root, "RequiredClaims");
  const requiredClaims: RequiredClaim[] = claimsEl
    ? childElements(claimsEl).map((c, i) => {
        if (c.localName !== "TokenClaim") throw unsupported(`RequiredClaims/${c.localName}`);
        const type = firstChild(c, "ClaimType");
        const value = firstChild(c, "ClaimValue");
        if (!type || isNil(type) || !textOf(type)) throw amsXmlError(`RequiredClaims[${i}] has no ClaimType`);
        return value && !isNil(value)
          ? { claimType: textOf(type), claimValue: textOf(value) }
          : { claimType: textOf(type) };
      })
    : [];

  let openIdConnectDiscoveryDocument: string | undefined;
  const oidc = firstChild(root, "OpenIdConnectDiscoveryDocument");
  if (oidc && !isNil(oidc)) {
    const uri = firstChild(oidc, "OpenIdDiscoveryUri");
    if (!uri || isNil(uri) || !textOf(uri))
      throw amsXmlError("OpenIdConnectDiscoveryDocument.OpenIdDiscoveryUri is empty");
    openIdConnectDiscoveryDocument = textOf(uri);
  }

  const candidate = {
    type: "Token" as const,
    issuer: text("Issuer"),
    audience: text("Audience"),
    tokenType,
    ...(primaryVerificationKey ? { primaryVerificationKey } : {}),
    alternateVerificationKeys,
    requiredClaims,
    ...(openIdConnectDiscoveryDocument ? { openIdConnectDiscoveryDocument } : {}),
  };
  const r = tokenRestrictionSchema.safeParse(candidate);
  if (!r.success)
    throw new KeyplaneError(
      "AMS_IMPORT_INVALID",
      `The token restriction template does not fit the Keyplane policy model: ${formatIssues(r.error)}`,
      { status: 400 },
    );
  return r.data;
}

function readKey(el: Element, path: string): VerificationKey {
  const type = xsiType(el);
  const child = (name: string): string => {
    const c = firstChild(el, name);
    if (!c || isNil(c) || !textOf(c)) throw amsXmlError(`${path} has no ${name}`);
    return textOf(c).replace(/\s+/g, "");
  };
  switch (type) {
    case "SymmetricVerificationKey":
      return { type: "Symmetric", keyValue: child("KeyValue") };
    case "X509CertTokenVerificationKey":
      return { type: "X509", rawBody: child("RawBody") };
    case "RsaTokenVerificationKey":
      return rsaFromRawBody(child("RawBody"), path);
    default:
      throw unsupported(`${path} of type ${type ?? "(none)"}`);
  }
}

/**
 * The v2 SDK stores an RSA key's public parameters as the .NET `RSAKeyValue` XML, base64-encoded, in RawBody.
 * Only that form is understood; anything else is refused with a clear error.
 */
function rsaFromRawBody(rawBody: string, path: string): VerificationKey {
  const text = Buffer.from(rawBody, "base64").toString("utf8");
  if (!text.includes("RSAKeyValue"))
    throw unsupported(`${path}: RsaTokenVerificationKey RawBody that is not an RSAKeyValue document`);
  const root = parseAmsXml(text).documentElement!;
  const m = firstChild(root, "Modulus");
  const e = firstChild(root, "Exponent");
  if (root.localName !== "RSAKeyValue" || !m || !e)
    throw amsXmlError(`${path}: RSAKeyValue needs Modulus and Exponent`);
  return { type: "Rsa", modulus: textOf(m).replace(/\s+/g, ""), exponent: textOf(e).replace(/\s+/g, "") };
}

function unsupported(what: string): KeyplaneError {
  return new KeyplaneError("AMS_IMPORT_UNSUPPORTED", `Not supported by the Keyplane policy model: ${what}`, {
    status: 400,
  });
}
